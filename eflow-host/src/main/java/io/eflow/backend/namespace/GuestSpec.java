package io.eflow.backend.namespace;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.eflow.tpm.TpmPassthrough;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.List;

/**
 * The OCI runtime spec of a namespace guest: read-only root from the slot boot control chose, data at /var, logs at
 * /logs, /etc /home /root as overlays whose upper layers live on the data disk, own pid/mount/uts/ipc/cgroup/net
 * namespaces, a reduced capability set, a seccomp deny list, and cgroup limits where the host allows them.
 */
final class GuestSpec {
    /**
     * Docker's default set plus what sshd needs; CAP_SYS_BOOT lets runit end the guest, which reboot(2) confines
     * to the guest's own pid namespace. No CAP_SYS_ADMIN, CAP_NET_ADMIN (the guest cannot change its firewall),
     * CAP_SYS_MODULE, CAP_SYS_TIME or CAP_SYS_PTRACE.
     */
    static final List<String> CAPABILITIES = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD",
            "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT",
            "CAP_KILL", "CAP_AUDIT_WRITE", "CAP_SYS_BOOT");

    /** Syscalls that reach past the guest into the shared kernel: module loading, kexec, clocks, keyrings, bpf. */
    static final List<String> DENIED_SYSCALLS = List.of("kexec_load", "kexec_file_load", "init_module", "finit_module",
            "delete_module", "swapon", "swapoff", "acct", "bpf", "perf_event_open", "userfaultfd", "keyctl", "add_key",
            "request_key", "open_by_handle_at", "name_to_handle_at", "iopl", "ioperm", "lookup_dcookie", "quotactl", "syslog",
            "settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "fanotify_init", "vhangup", "uselib", "nfsservctl");

    /**
     * Where the unmasked proc that module containers need sits in the guest. A user namespace (each module runs in
     * one) may mount a proc of its own only where a proc without masked entries is already visible; this one is
     * mounted with {@code subset=pid}, so it shows processes and nothing else: no /proc/sys for guest root to write
     * sysctls through, no kcore, keys or timer lists. crun mounts proc only directly under the root.
     */
    static final String MODULE_PROC = "/modules-proc";

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param hostId    the host-wide name of the guest's kernel objects (its cgroup here)
     * @param tpmFolder the host folder with the read-only TPM proxy's socket, or null without TPM passthrough
     * @param bootControl the instance's boot-control file, which the guest's health check writes (a VM's /dev/vda)
     * @param bootInfo  the host-written {@code slot=… fallback=… verity=…} lines of this boot (the initramfs's in a VM)
     */
    record Inputs(String hostname, String hostId, Path rootfs, Path var, Path logs, Path hostChannel, Path netns,
                  int cpus, int memoryMb, CgroupMode cgroups, Path tpmFolder, Path bootControl, Path bootInfo) {
    }

    static final String GUEST_BOOT_CONTROL = "/run/eflow-bootctl";
    static final String GUEST_BOOT_INFO = "/run/eflow-boot";

    static String render(Inputs in) {
        ObjectNode spec = JSON.createObjectNode();
        spec.put("ociVersion", "1.0.2");
        ObjectNode process = spec.putObject("process");
        process.put("terminal", false);
        process.putObject("user").put("uid", 0).put("gid", 0);
        process.putArray("args").add("/usr/sbin/runit");
        process.putArray("env").add("PATH=/usr/sbin:/usr/bin:/sbin:/bin").add("container=eflow");
        process.put("cwd", "/");
        ObjectNode caps = process.putObject("capabilities");
        for (String set : List.of("bounding", "effective", "permitted")) {
            ArrayNode list = caps.putArray(set);
            CAPABILITIES.forEach(list::add);
        }
        // sudo for iotedge-user (as in the original) needs setuid to work; every service is started with no_new_privs instead.
        process.put("noNewPrivileges", false);

        spec.putObject("root").put("path", in.rootfs().toString()).put("readonly", true);
        spec.put("hostname", in.hostname());

        ArrayNode mounts = spec.putArray("mounts");
        mount(mounts, "/proc", "proc", "proc", "nosuid", "noexec", "nodev");
        mount(mounts, "/dev", "tmpfs", "tmpfs", "nosuid", "strictatime", "mode=755", "size=65536k");
        mount(mounts, "/dev/pts", "devpts", "devpts", "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5");
        mount(mounts, "/dev/shm", "tmpfs", "shm", "nosuid", "noexec", "nodev", "mode=1777", "size=65536k");
        mount(mounts, "/dev/mqueue", "mqueue", "mqueue", "nosuid", "noexec", "nodev");
        mount(mounts, "/sys", "sysfs", "sysfs", "nosuid", "noexec", "nodev", "ro");
        // crun in the guest (the edge agent's modules) needs a cgroup file system here to start at all; an empty
        // tmpfs reads as a legacy layout, in which it runs modules without cgroups of their own (see CgroupMode)
        mount(mounts, "/sys/fs/cgroup", "tmpfs", "tmpfs", "nosuid", "noexec", "nodev", "mode=755", "size=4k");
        mount(mounts, "/run", "tmpfs", "tmpfs", "nosuid", "nodev", "mode=755");
        mount(mounts, "/tmp", "tmpfs", "tmpfs", "nosuid", "nodev", "mode=1777");
        mount(mounts, "/var", "bind", in.var().toString(), "rbind", "rw", "nodev");
        mount(mounts, "/logs", "bind", in.logs().toString(), "rbind", "rw", "nosuid", "nodev", "noexec");
        for (String dir : List.of("etc", "home", "root")) {
            Path layers = in.var().resolve(".eflow/overlays").resolve(dir);
            mount(mounts, "/" + dir, "overlay", "overlay",
                    "lowerdir=" + in.rootfs().resolve(dir),
                    "upperdir=" + layers.resolve("upper"),
                    "workdir=" + layers.resolve("work"));
        }
        mount(mounts, MODULE_PROC, "proc", "proc", "subset=pid", "nosuid", "noexec", "nodev");
        mount(mounts, "/run/eflow-host", "bind", in.hostChannel().toString(), "rbind", "rw", "nosuid", "nodev", "noexec");
        // the file itself, read-write: guest root writes it with CAP_DAC_OVERRIDE, no CAP_SYS_ADMIN needed
        mount(mounts, GUEST_BOOT_CONTROL, "bind", in.bootControl().toString(), "bind", "rw", "nosuid", "nodev",
                "noexec");
        mount(mounts, GUEST_BOOT_INFO, "bind", in.bootInfo().toString(), "bind", "ro", "nosuid", "nodev", "noexec");
        if (in.tpmFolder() != null) {
            // read-only: the guest can connect to the proxy's socket but not replace it
            mount(mounts, TpmPassthrough.GUEST_FOLDER, "bind", in.tpmFolder().toString(), "rbind", "ro", "nosuid", "nodev", "noexec");
        }

        ObjectNode linux = spec.putObject("linux");
        ArrayNode namespaces = linux.putArray("namespaces");
        for (String type : List.of("pid", "mount", "uts", "ipc", "cgroup")) {
            namespaces.addObject().put("type", type);
        }
        namespaces.addObject().put("type", "network").put("path", in.netns().toString());
        ArrayNode masked = linux.putArray("maskedPaths");
        List.of("/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
                "/proc/sched_debug", "/proc/scsi", "/sys/firmware").forEach(masked::add);
        ArrayNode readonly = linux.putArray("readonlyPaths");
        List.of("/proc/asound", "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger").forEach(readonly::add);
        if (in.cgroups().enforcesLimits()) {
            linux.put("cgroupsPath", "/eflow/" + in.hostId());
            ObjectNode resources = linux.putObject("resources");
            resources.putObject("memory").put("limit", (long) in.memoryMb() << 20);
            resources.putObject("cpu").put("quota", in.cpus() * 100_000L).put("period", 100_000L);
            resources.putObject("pids").put("limit", 4096);
        }
        ObjectNode seccomp = linux.putObject("seccomp");
        seccomp.put("defaultAction", "SCMP_ACT_ALLOW");
        ArrayNode architectures = seccomp.putArray("architectures");
        (System.getProperty("os.arch").equals("aarch64") ? List.of("SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM")
                : List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32")).forEach(architectures::add);
        ObjectNode deny = seccomp.putArray("syscalls").addObject();
        DENIED_SYSCALLS.forEach(deny.putArray("names")::add);
        deny.put("action", "SCMP_ACT_ERRNO").put("errnoRet", 1);
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(spec);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void mount(ArrayNode mounts, String destination, String type, String source, String... options) {
        ObjectNode mount = mounts.addObject().put("destination", destination).put("type", type).put("source", source);
        ArrayNode list = mount.putArray("options");
        for (String option : options) {
            list.add(option);
        }
    }

    private GuestSpec() {
    }
}
