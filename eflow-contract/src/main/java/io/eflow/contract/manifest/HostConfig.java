package io.eflow.contract.manifest;

import java.util.List;
import java.util.Map;

/**
 * Docker's {@code HostConfig}: what the container gets from the guest.
 *
 * @param binds        {@code Binds}, "source:target[:options]", read as mounts of type bind (or volume for a name)
 * @param mounts       {@code Mounts}
 * @param portBindings guest ports for container ports
 * @param memory       the memory limit in bytes; 0 for none
 * @param nanoCpus     the CPU limit in billionths of a CPU; 0 for none
 */
public record HostConfig(List<Mount> binds, List<Mount> mounts, Map<ContainerPort, List<PortBinding>> portBindings,
                         List<Device> devices, boolean privileged, List<String> capAdd, List<String> capDrop, long memory,
                         long nanoCpus) {
    public static final HostConfig NONE =
            new HostConfig(List.of(), List.of(), Map.of(), List.of(), false, List.of(), List.of(), 0, 0);

    public HostConfig {
        binds = List.copyOf(binds);
        mounts = List.copyOf(mounts);
        portBindings = Immutable.map(portBindings);
        devices = List.copyOf(devices);
        capAdd = List.copyOf(capAdd);
        capDrop = List.copyOf(capDrop);
    }
}
