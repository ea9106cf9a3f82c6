package io.eflow.instance;

import io.eflow.backend.qemu.Accelerator;
import io.eflow.instance.model.BackendKind;

/**
 * Which backend a deploy gets, and whether the user must be warned: {@code auto} takes a hardware-accelerated VM
 * when the host has one, else namespaces on Linux, else an emulated VM.
 *
 * @param warning a progress line for deploy, or null
 */
public record BackendChoice(BackendKind kind, Accelerator accelerator, String warning) {
    public static final String EMULATED = "warning: no hardware acceleration on this host: the guest's CPU is emulated (TCG) and runs much slower";

    public static BackendChoice resolve(BackendKind requested, boolean linuxHost, Accelerator accelerator) {
        return switch (requested) {
            case NAMESPACE -> new BackendChoice(BackendKind.NAMESPACE, null, null);
            case QEMU -> qemu(accelerator);
            case AUTO -> accelerator.hardware() || !linuxHost ? qemu(accelerator) : new BackendChoice(BackendKind.NAMESPACE, null, null);
        };
    }

    private static BackendChoice qemu(Accelerator accelerator) {
        return new BackendChoice(BackendKind.QEMU, accelerator, accelerator.hardware() ? null : EMULATED);
    }
}
