package io.eflow.edge.agent;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The capability set of a module's process, with Docker's semantics for Privileged, CapAdd and CapDrop. */
final class ModuleCapabilities {
    /** Every Linux capability up to CAP_CHECKPOINT_RESTORE (Linux 5.9), in kernel number order. */
    static final List<String> ALL = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
            "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
            "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
            "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN",
            "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD",
            "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN",
            "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
            "CAP_CHECKPOINT_RESTORE");

    /** Docker's default set, which module images are built and tested against. */
    static final List<String> DOCKER_DEFAULT = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER",
            "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
            "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE");

    private static final String EVERY = "ALL";

    private ModuleCapabilities() {
    }

    /**
     * Privileged gets all of them whatever CapAdd and CapDrop say, as with Docker; otherwise "ALL" in CapAdd starts
     * from all, else "ALL" in CapDrop from none, else Docker's default; then the other names are added and dropped. Names are checked either way.
     *
     * @return the set in kernel number order
     */
    static List<String> of(String module, boolean privileged, List<String> capAdd, List<String> capDrop) {
        Set<String> add = names(module, "CapAdd", capAdd);
        Set<String> drop = names(module, "CapDrop", capDrop);
        if (privileged) {
            return ALL;
        }
        Set<String> caps = new LinkedHashSet<>(add.contains(EVERY) ? ALL : drop.contains(EVERY) ? List.of() : DOCKER_DEFAULT);
        caps.addAll(add);
        caps.removeAll(drop);
        return ALL.stream().filter(caps::contains).toList();
    }

    /** NET_ADMIN, net_admin and CAP_NET_ADMIN are one name, as Docker reads them. */
    private static Set<String> names(String module, String field, List<String> given) {
        Set<String> names = new LinkedHashSet<>();
        for (String name : given) {
            String upper = name.toUpperCase(Locale.ROOT);
            String canonical = upper.equals(EVERY) || upper.startsWith("CAP_") ? upper : "CAP_" + upper;
            if (!canonical.equals(EVERY) && !ALL.contains(canonical)) {
                throw new ModuleSpecException(module, "HostConfig." + field + " names an unknown capability '" + name
                        + "' (names such as NET_ADMIN or CAP_NET_ADMIN, or ALL)");
            }
            names.add(canonical);
        }
        return names;
    }
}
