package io.eflow.daemon.api;

import io.eflow.host.HostInfo;
import io.eflow.instance.model.InstanceConfig;
import io.eflow.instance.model.LogSize;
import io.eflow.instance.model.StaticIp;
import io.eflow.platform.InvalidValue;

import java.util.List;
import java.util.Locale;

/**
 * Set-EflowVM's arguments (null = keep): the guest's vCPUs and memory, the sizes of its data disk (/var) and log disk
 * (/logs), and a static address for its link (all three of ip, prefix and gateway), checked as deploy checks them and
 * applied at the next start. Disks only grow: shrinking a file system that holds the modules' data is refused.
 */
public record SetRequest(Integer cpus, Integer memoryMb, Integer dataSizeGb, String logSize, String ip, Integer prefix,
                         String gateway) {

    /** vCPUs and memory only. */
    public SetRequest(Integer cpus, Integer memoryMb) {
        this(cpus, memoryMb, null, null);
    }

    /** Without an address. */
    public SetRequest(Integer cpus, Integer memoryMb, Integer dataSizeGb, String logSize) {
        this(cpus, memoryMb, dataSizeGb, logSize, null, null, null);
    }

    /** The static address asked for, checked on its own (its subnet against others' is the instance manager's), or null. */
    public StaticIp staticIp() {
        return StaticIp.of(ip, prefix, gateway);
    }

    /** The configuration with the new sizes; throws, changing nothing, on the first invalid value. */
    public InstanceConfig applyTo(InstanceConfig current, HostInfo host) {
        if (cpus == null && memoryMb == null && dataSizeGb == null && logSize == null && staticIp() == null) {
            throw new InvalidValue(List.of("cpus", "memoryMb", "dataSizeGb", "logSize", "ip"), "are all missing: set needs at least one");
        }
        int newCpus = cpus == null ? current.cpus() : cpus;
        int newMemory = memoryMb == null ? current.memoryMb() : memoryMb;
        if (cpus != null) {
            DeployRequest.checkCpus(newCpus, host);
        }
        if (memoryMb != null) {
            DeployRequest.checkMemory(newMemory, host);
        }
        int newData = dataSizeGb == null ? current.dataSizeGb() : dataSizeGb;
        if (dataSizeGb != null) {
            DeployRequest.checkDataSize(newData);
            if (newData < current.dataSizeGb()) {
                throw new InvalidValue("dataSizeGb", "must be at least the data disk's present " + current.dataSizeGb()
                        + " GB (disks only grow: /var holds the modules' data), not " + newData);
            }
        }
        LogSize newLog = logSize == null ? current.logSize() : LogSize.parse(logSize);
        if (newLog.gigabytes() < current.logSize().gigabytes()) {
            throw new InvalidValue("logSize", "must stay " + current.logSize().name().toLowerCase(Locale.ROOT)
                    + " (disks only grow), not " + newLog.name().toLowerCase(Locale.ROOT));
        }
        return current.withSizing(newCpus, newMemory).withDisks(newData, newLog);
    }
}
