package io.eflow.contract.oci;

import java.util.Collection;
import java.util.List;

/**
 * {@code linux.seccomp} as eflow writes it: every syscall allowed but a deny list, which fails with EPERM rather than
 * killing the process, so a program that probes for a syscall falls back as it would on an older kernel.
 */
public record Seccomp(String defaultAction, List<String> architectures, List<Rule> syscalls) {
    public Seccomp {
        architectures = List.copyOf(architectures);
        syscalls = List.copyOf(syscalls);
    }

    /** One rule of {@code syscalls}. */
    public record Rule(List<String> names, String action, int errnoRet) {
        public Rule {
            names = List.copyOf(names);
        }
    }

    /** Allows everything but {@code denied}, on this machine's architectures. */
    public static Seccomp denying(Collection<String> denied) {
        return new Seccomp("SCMP_ACT_ALLOW", nativeArchitectures(), List.of(new Rule(List.copyOf(denied), "SCMP_ACT_ERRNO", 1)));
    }

    /** The filter's architectures: the JVM's own and the 32-bit ones its kernel also runs. */
    public static List<String> nativeArchitectures() {
        return System.getProperty("os.arch").equals("aarch64") ? List.of("SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM")
                : List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32");
    }
}
