package io.eflow.backend.qemu;

import java.util.Locale;
import java.util.Set;
import java.util.function.BooleanSupplier;

/** How QEMU runs the guest's CPU: a host hypervisor (kvm, hvf, whpx) or emulation (tcg). */
public enum Accelerator {
    KVM, HVF, WHPX, TCG;

    public String qemuName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean hardware() {
        return this != TCG;
    }

    /**
     * The decision table: each host OS has one hypervisor, used when its QEMU lists it. On Linux that is not
     * enough: a /dev/kvm that cannot run a real guest (as in some nested set-ups) must not count, so
     * {@code kvmRuns} boots a probe (asked only when kvm is listed).
     */
    public static Accelerator choose(String osName, Set<String> listed, BooleanSupplier kvmRuns) {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.contains("linux")) {
            return listed.contains("kvm") && kvmRuns.getAsBoolean() ? KVM : TCG;
        }
        if (os.contains("mac") || os.contains("darwin")) {
            return listed.contains("hvf") ? HVF : TCG;
        }
        if (os.contains("windows")) {
            return listed.contains("whpx") ? WHPX : TCG;
        }
        return TCG;
    }
}
