package io.eflow.instance.model;

import io.eflow.firewall.GuestSecurity;

import java.time.Instant;
import java.util.List;

/**
 * An instance's stored configuration: what deploy decided, changed only by explicit commands.
 *
 * @param name         instance name, also the guest's hostname
 * @param cpus         virtual CPUs (cgroup CPU quota on the namespace backend)
 * @param memoryMb     memory in MB
 * @param dataSizeGb   size of the data disk mounted at /var
 * @param logSize      size class of the log disk mounted at /logs
 * @param backend      namespace or qemu (never auto)
 * @param network      the guest's address, gateway and MAC
 * @param imageVersion version of the image installed in the active slot
 * @param activeSlot   the slot that boots
 * @param created      when deploy finished
 * @param security     SSH transport and firewall rules, applied at every start
 * @param shares       host folders the guest sees, from the next start
 * @param serialPorts  host serial ports passed through, from the next start
 * @param endpoints    NICs on the host's networks besides the host link, eth1 onwards, from the next start
 */
public record InstanceConfig(
        String name,
        int cpus,
        int memoryMb,
        int dataSizeGb,
        LogSize logSize,
        BackendKind backend,
        NetworkConfig network,
        String imageVersion,
        Slot activeSlot,
        Instant created,
        GuestSecurity security,
        List<SharedFolder> shares,
        List<SerialPort> serialPorts,
        List<Endpoint> endpoints) {

    public InstanceConfig {
        endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
        security = security == null ? GuestSecurity.defaults() : security;
        shares = shares == null ? List.of() : List.copyOf(shares);
        serialPorts = serialPorts == null ? List.of() : List.copyOf(serialPorts);
    }

    /** Without shared folders or serial ports. */
    public InstanceConfig(String name, int cpus, int memoryMb, int dataSizeGb, LogSize logSize, BackendKind backend,
                          NetworkConfig network, String imageVersion, Slot activeSlot, Instant created, GuestSecurity security) {
        this(name, cpus, memoryMb, dataSizeGb, logSize, backend, network, imageVersion, activeSlot, created, security, null, null, null);
    }

    /** With the default security settings (host-only SSH, no user firewall rules). */
    public InstanceConfig(String name, int cpus, int memoryMb, int dataSizeGb, LogSize logSize, BackendKind backend,
                          NetworkConfig network, String imageVersion, Slot activeSlot, Instant created) {
        this(name, cpus, memoryMb, dataSizeGb, logSize, backend, network, imageVersion, activeSlot, created, null);
    }

    public InstanceConfig withSizing(int newCpus, int newMemoryMb) {
        return new InstanceConfig(name, newCpus, newMemoryMb, dataSizeGb, logSize, backend, network, imageVersion, activeSlot, created,
                security, shares, serialPorts, endpoints);
    }

    public InstanceConfig withDisks(int newDataSizeGb, LogSize newLogSize) {
        return new InstanceConfig(name, cpus, memoryMb, newDataSizeGb, newLogSize, backend, network, imageVersion, activeSlot, created,
                security, shares, serialPorts, endpoints);
    }

    public InstanceConfig withNetwork(NetworkConfig newNetwork) {
        return new InstanceConfig(name, cpus, memoryMb, dataSizeGb, logSize, backend, newNetwork, imageVersion, activeSlot, created,
                security, shares, serialPorts, endpoints);
    }

    public InstanceConfig withShares(List<SharedFolder> newShares) {
        return new InstanceConfig(name, cpus, memoryMb, dataSizeGb, logSize, backend, network, imageVersion, activeSlot, created,
                security, newShares, serialPorts, endpoints);
    }

    public InstanceConfig withSerialPorts(List<SerialPort> newPorts) {
        return new InstanceConfig(name, cpus, memoryMb, dataSizeGb, logSize, backend, network, imageVersion, activeSlot, created,
                security, shares, newPorts, endpoints);
    }

    public InstanceConfig withEndpoints(List<Endpoint> newEndpoints) {
        return new InstanceConfig(name, cpus, memoryMb, dataSizeGb, logSize, backend, network, imageVersion, activeSlot, created,
                security, shares, serialPorts, newEndpoints);
    }

    public InstanceConfig withActiveSlot(Slot slot, String version) {
        return new InstanceConfig(name, cpus, memoryMb, dataSizeGb, logSize, backend, network, version, slot, created, security, shares, serialPorts, endpoints);
    }

    public InstanceConfig withSecurity(GuestSecurity newSecurity) {
        return new InstanceConfig(name, cpus, memoryMb, dataSizeGb, logSize, backend, network, imageVersion, activeSlot, created,
                newSecurity, shares, serialPorts, endpoints);
    }
}
