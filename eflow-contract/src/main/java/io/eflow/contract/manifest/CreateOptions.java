package io.eflow.contract.manifest;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The part of Docker's container-create options (a module's {@code settings.createOptions}) that eflow applies.
 * Empty values mean what they mean to Docker: the image's own setting, or no limit.
 *
 * @param env         "NAME=value" entries, in order (a later entry wins)
 * @param cmd         the command; empty for the image's
 * @param entrypoint  the entrypoint; empty for the image's
 * @param workingDir  an absolute path; empty for the image's
 * @param user        user[:group], by name or id; empty for the image's
 * @param healthcheck overrides the image's health check field by field; {@link HealthCheck#UNSET} for the image's
 */
public record CreateOptions(List<String> env, List<String> cmd, List<String> entrypoint, String workingDir, String user,
                            Map<String, String> labels, Set<ContainerPort> exposedPorts, HostConfig hostConfig,
                            HealthCheck healthcheck) {
    public static final CreateOptions NONE =
            new CreateOptions(List.of(), List.of(), List.of(), "", "", Map.of(), Set.of(), HostConfig.NONE, HealthCheck.UNSET);

    public CreateOptions {
        env = List.copyOf(env);
        cmd = List.copyOf(cmd);
        entrypoint = List.copyOf(entrypoint);
        labels = Immutable.map(labels);
        exposedPorts = Immutable.set(exposedPorts);
    }
}
