package io.eflow.daemon.api;

/** Answer of set: the sizes stored, and whether the guest runs (then they apply at its next start). */
public record SizingChange(String name, int cpus, int memoryMb, boolean appliesAtNextStart) {
}
