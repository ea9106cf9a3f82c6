package io.eflow.daemon.api;

import io.eflow.host.HostInfo;
import io.eflow.instance.model.InstanceConfig;
import io.eflow.platform.InvalidValue;

import java.util.List;

/**
 * Set-EflowVM's arguments (null = keep): the guest's vCPUs and memory, checked as deploy checks them and
 * applied at the next start.
 */
public record SetRequest(Integer cpus, Integer memoryMb) {

    /** The configuration with the new sizes; throws, changing nothing, on the first invalid value. */
    public InstanceConfig applyTo(InstanceConfig current, HostInfo host) {
        if (cpus == null && memoryMb == null) {
            throw new InvalidValue(List.of("cpus", "memoryMb"), "are both missing: set needs one or both");
        }
        int newCpus = cpus == null ? current.cpus() : cpus;
        int newMemory = memoryMb == null ? current.memoryMb() : memoryMb;
        if (cpus != null) {
            DeployRequest.checkCpus(newCpus, host);
        }
        if (memoryMb != null) {
            DeployRequest.checkMemory(newMemory, host);
        }
        return current.withSizing(newCpus, newMemory);
    }
}
