package io.eflow.daemon.api;

import io.eflow.firewall.SshTransport;
import io.eflow.host.HostInfo;
import io.eflow.instance.model.BackendKind;
import io.eflow.instance.model.InstanceName;
import io.eflow.instance.model.LogSize;
import io.eflow.instance.model.StaticIp;
import io.eflow.platform.InvalidValue;

import java.nio.file.Path;

/**
 * Deploy's arguments as the user gave them (null = not given). {@link #validate} checks every one
 * before anything is created, with Deploy-Eflow's ranges and defaults.
 */
public record DeployRequest(
        String name,
        Integer cpus,
        Integer memoryMb,
        Integer dataSizeGb,
        String logSize,
        String backend,
        String ip,
        Integer prefix,
        String gateway,
        String image,
        String sshTransport) {

    /** Without an SSH transport choice: host-only, the default. */
    public DeployRequest(String name, Integer cpus, Integer memoryMb, Integer dataSizeGb, String logSize, String backend,
                         String ip, Integer prefix, String gateway, String image) {
        this(name, cpus, memoryMb, dataSizeGb, logSize, backend, ip, prefix, gateway, image, null);
    }

    public static final int MIN_MEMORY_MB = 1024;
    public static final int MIN_DATA_GB = 2;
    public static final int MAX_DATA_GB = 2048;

    /** Checks every argument against the host and returns the resolved values; throws on the first problem. */
    public Validated validate(HostInfo host, String hostname) {
        String resolvedName = (name == null ? InstanceName.defaultFor(hostname) : new InstanceName(name)).value();
        int resolvedCpus = cpus == null ? 1 : cpus;
        checkCpus(resolvedCpus, host);
        int resolvedMemory = memoryMb == null ? MIN_MEMORY_MB : memoryMb;
        checkMemory(resolvedMemory, host);
        int resolvedData = dataSizeGb == null ? 10 : dataSizeGb;
        checkDataSize(resolvedData);
        LogSize resolvedLog = logSize == null ? LogSize.SMALL : LogSize.parse(logSize);
        BackendKind resolvedBackend = backend == null ? BackendKind.AUTO : BackendKind.parse(backend);
        StaticIp staticIp = StaticIp.of(ip, prefix, gateway);
        SshTransport transport = sshTransport == null ? SshTransport.HOST_ONLY : SshTransport.parse(sshTransport);
        return new Validated(resolvedName, resolvedCpus, resolvedMemory, resolvedData, resolvedLog, resolvedBackend, staticIp,
                image == null ? null : InvalidValue.path("image", image), transport);
    }

    public static void checkCpus(int cpus, HostInfo host) {
        if (cpus < 1 || cpus > host.logicalProcessors()) {
            throw new InvalidValue("cpus", "must be between 1 and " + host.logicalProcessors() + " (the host's logical processors), not " + cpus);
        }
    }

    public static void checkDataSize(int dataSizeGb) {
        if (dataSizeGb < MIN_DATA_GB || dataSizeGb > MAX_DATA_GB) {
            throw new InvalidValue("dataSizeGb", "must be between " + MIN_DATA_GB + " and " + MAX_DATA_GB + " GB, not " + dataSizeGb);
        }
    }

    public static void checkMemory(int memoryMb, HostInfo host) {
        if (memoryMb % 2 != 0) {
            throw new InvalidValue("memoryMb", "must be an even number of MB, not " + memoryMb);
        }
        if (memoryMb < MIN_MEMORY_MB) {
            throw new InvalidValue("memoryMb", "must be at least " + MIN_MEMORY_MB + " MB, not " + memoryMb);
        }
        if (memoryMb > host.freeMemoryMb()) {
            throw new InvalidValue("memoryMb", memoryMb + " MB is more than the host's free memory (" + host.freeMemoryMb() + " MB)");
        }
    }

    /** Deploy's arguments after validation, with defaults filled in; backend may still be AUTO. */
    public record Validated(String name, int cpus, int memoryMb, int dataSizeGb, LogSize logSize, BackendKind backend,
                            StaticIp staticIp, Path image, SshTransport sshTransport) {
    }
}
