package io.eflow.edge.agent;

import io.eflow.edge.manifest.ContainerPort;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code config} object of an OCI image configuration, as pulled from the registry: the image's defaults, which
 * a module's createOptions override.
 *
 * @param env        "NAME=value" entries, in order
 * @param workingDir an absolute path; empty for "/"
 * @param user       user[:group], by name or id; empty for root
 */
public record ImageConfig(List<String> env, List<String> cmd, List<String> entrypoint, String workingDir, String user,
                          Set<ContainerPort> exposedPorts, Map<String, String> labels) {
    public static final ImageConfig EMPTY = new ImageConfig(List.of(), List.of(), List.of(), "", "", Set.of(), Map.of());

    public ImageConfig {
        env = List.copyOf(env);
        cmd = List.copyOf(cmd);
        entrypoint = List.copyOf(entrypoint);
        // image order is kept: labels become annotations and ports are listed back in the order the image gives
        exposedPorts = Collections.unmodifiableSet(new LinkedHashSet<>(exposedPorts));
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }
}
