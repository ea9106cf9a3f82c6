package io.eflow.edge.agent;

import io.eflow.contract.oci.Seccomp;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The seccomp filter of an unprivileged module: syscalls that reach past the container into the guest's kernel are
 * refused with EPERM, except those a capability the module was given is meant to unlock (CapAdd SYS_TIME sets the
 * clock, as under Docker's default profile).
 */
final class ModuleSeccomp {
    /** The syscalls each capability unlocks; the union of all of them is refused to modules holding none. */
    private static final Map<String, List<String>> UNLOCKED_BY = new LinkedHashMap<>();

    static {
        UNLOCKED_BY.put("CAP_SYS_BOOT", List.of("kexec_load", "kexec_file_load", "reboot"));
        UNLOCKED_BY.put("CAP_SYS_MODULE", List.of("init_module", "finit_module", "delete_module"));
        UNLOCKED_BY.put("CAP_SYS_TIME", List.of("settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "stime"));
        UNLOCKED_BY.put("CAP_SYS_ADMIN", List.of("swapon", "swapoff", "open_by_handle_at", "name_to_handle_at",
                "fanotify_init", "lookup_dcookie", "quotactl", "bpf", "perf_event_open", "mount", "umount2",
                "pivot_root", "setns", "unshare"));
        UNLOCKED_BY.put("CAP_SYS_PACCT", List.of("acct"));
        UNLOCKED_BY.put("CAP_SYS_RAWIO", List.of("iopl", "ioperm"));
        UNLOCKED_BY.put("CAP_SYSLOG", List.of("syslog"));
        UNLOCKED_BY.put("CAP_SYS_TTY_CONFIG", List.of("vhangup"));
        UNLOCKED_BY.put("CAP_BPF", List.of("bpf"));
        UNLOCKED_BY.put("CAP_PERFMON", List.of("perf_event_open"));
    }

    /** Refused whatever the capabilities: obsolete, or keyrings and userfaultfd that are not namespaced. */
    private static final List<String> ALWAYS = List.of("keyctl", "add_key", "request_key", "userfaultfd", "uselib",
            "nfsservctl");

    private ModuleSeccomp() {
    }

    static Seccomp profile(List<String> capabilities) {
        Set<String> unlocked = new LinkedHashSet<>();
        capabilities.forEach(cap -> unlocked.addAll(UNLOCKED_BY.getOrDefault(cap, List.of())));
        Set<String> denied = new LinkedHashSet<>(ALWAYS);
        UNLOCKED_BY.values().forEach(denied::addAll);
        denied.removeAll(unlocked);
        return Seccomp.denying(denied);
    }
}
