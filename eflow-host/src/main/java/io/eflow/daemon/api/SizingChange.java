package io.eflow.daemon.api;


import io.eflow.instance.model.InstanceConfig;
import io.eflow.instance.model.LogSize;

/** Answer of set: the sizes and address stored, and whether the guest runs (then they apply at its next start). */
public record SizingChange(String name, int cpus, int memoryMb, int dataSizeGb, LogSize logSize, String address, String gateway,
                           boolean appliesAtNextStart) {

    public static SizingChange of(InstanceConfig config, boolean running) {
        return new SizingChange(config.name(), config.cpus(), config.memoryMb(), config.dataSizeGb(), config.logSize(),
                config.network().address() + "/" + config.network().prefix(), config.network().gateway(), running);
    }
}
