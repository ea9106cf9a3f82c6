package io.eflow.backend.namespace;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eflow.contract.json.Mappers;
import io.eflow.contract.oci.Capabilities;
import io.eflow.contract.oci.Namespace;
import io.eflow.contract.oci.OciMount;
import io.eflow.contract.oci.Seccomp;
import io.eflow.contract.oci.User;
import io.eflow.instance.model.GuestUser;
import io.eflow.instance.model.SerialPort;
import io.eflow.instance.model.SharedFolder;
import io.eflow.tpm.TpmPassthrough;

import java.nio.file.Path;
import java.util.ArrayList;
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

    private static final ObjectMapper JSON = Mappers.standard();

    /**
     * @param hostId    the host-wide name of the guest's kernel objects (its cgroup here)
     * @param tpmFolder the host folder with the TPM proxy's socket, or null without TPM passthrough
     * @param bootControl the instance's boot-control file, which the guest's health check writes (a VM's /dev/vda)
     * @param bootInfo  the host-written {@code slot=… fallback=… verity=…} lines of this boot (the initramfs's in a VM)
     */
    record Inputs(String hostname, String hostId, Path rootfs, Path var, Path logs, Path hostChannel, Path netns,
                  int cpus, int memoryMb, CgroupMode cgroups, Path tpmFolder, Path bootControl, Path bootInfo, List<Share> shares,
                  List<SerialPort> serialPorts) {
        Inputs {
            shares = List.copyOf(shares);
            serialPorts = List.copyOf(serialPorts);
        }
    }

    /**
     * A shared folder with the owner of its host folder, whom the guest sees as iotedge-user: an ID-mapped bind mount
     * (crun's idmap option) changes what the guest sees, never the host's files. The guest's root, which the mapping
     * leaves out, can read the share but create nothing in it; read-only is a read-only mount, which the guest cannot
     * remount without CAP_SYS_ADMIN.
     */
    record Share(SharedFolder folder, int hostUid, int hostGid) {
        OciMount mount() {
            return OciMount.bind(folder.guestPath(), folder.hostPath(), folder.readOnly(), "nosuid", "nodev",
                    "idmap=uids=" + hostUid + "-" + GuestUser.UID + "-1;gids=" + hostGid + "-" + GuestUser.GID + "-1");
        }
    }

    static final String GUEST_BOOT_CONTROL = "/run/eflow-bootctl";
    static final String GUEST_BOOT_INFO = "/run/eflow-boot";

    static String render(Inputs in) {
        ObjectNode spec = JSON.createObjectNode();
        spec.put("ociVersion", "1.0.2");
        ObjectNode process = spec.putObject("process");
        process.put("terminal", false);
        process.set("user", JSON.valueToTree(User.ROOT));
        process.putArray("args").add("/usr/sbin/runit");
        process.putArray("env").add("PATH=/usr/sbin:/usr/bin:/sbin:/bin").add("container=eflow");
        process.put("cwd", "/");
        process.set("capabilities", JSON.valueToTree(Capabilities.of(CAPABILITIES)));
        // sudo for iotedge-user (as in the original) needs setuid to work; every service is started with no_new_privs instead.
        process.put("noNewPrivileges", false);

        spec.putObject("root").put("path", in.rootfs().toString()).put("readonly", true);
        spec.put("hostname", in.hostname());

        List<OciMount> mounts = new ArrayList<>();
        mounts.add(OciMount.of("/proc", "proc", "proc", "nosuid", "noexec", "nodev"));
        mounts.add(OciMount.of("/dev", "tmpfs", "tmpfs", "nosuid", "strictatime", "mode=755", "size=65536k"));
        mounts.add(OciMount.of("/dev/pts", "devpts", "devpts", "nosuid", "noexec", "newinstance", "ptmxmode=0666",
                "mode=0620", "gid=5"));
        mounts.add(OciMount.of("/dev/shm", "tmpfs", "shm", "nosuid", "noexec", "nodev", "mode=1777", "size=65536k"));
        mounts.add(OciMount.of("/dev/mqueue", "mqueue", "mqueue", "nosuid", "noexec", "nodev"));
        mounts.add(OciMount.of("/sys", "sysfs", "sysfs", "nosuid", "noexec", "nodev", "ro"));
        // crun in the guest (the edge agent's modules) needs a cgroup file system here to start at all; an empty
        // tmpfs reads as a legacy layout, in which it runs modules without cgroups of their own (see CgroupMode)
        mounts.add(OciMount.of("/sys/fs/cgroup", "tmpfs", "tmpfs", "nosuid", "noexec", "nodev", "mode=755", "size=4k"));
        mounts.add(OciMount.of("/run", "tmpfs", "tmpfs", "nosuid", "nodev", "mode=755"));
        mounts.add(OciMount.of("/tmp", "tmpfs", "tmpfs", "nosuid", "nodev", "mode=1777"));
        mounts.add(OciMount.of("/var", "bind", in.var().toString(), "rbind", "rw", "nodev"));
        mounts.add(OciMount.of("/logs", "bind", in.logs().toString(), "rbind", "rw", "nosuid", "nodev", "noexec"));
        for (String dir : List.of("etc", "home", "root")) {
            Path layers = in.var().resolve(".eflow/overlays").resolve(dir);
            mounts.add(OciMount.of("/" + dir, "overlay", "overlay",
                    "lowerdir=" + in.rootfs().resolve(dir),
                    "upperdir=" + layers.resolve("upper"),
                    "workdir=" + layers.resolve("work")));
        }
        mounts.add(OciMount.of(MODULE_PROC, "proc", "proc", "subset=pid", "nosuid", "noexec", "nodev"));
        mounts.add(OciMount.of("/run/eflow-host", "bind", in.hostChannel().toString(), "rbind", "rw", "nosuid", "nodev",
                "noexec"));
        // the file itself, read-write: guest root writes it with CAP_DAC_OVERRIDE, no CAP_SYS_ADMIN needed
        mounts.add(OciMount.of(GUEST_BOOT_CONTROL, "bind", in.bootControl().toString(), "bind", "rw", "nosuid", "nodev",
                "noexec"));
        mounts.add(OciMount.of(GUEST_BOOT_INFO, "bind", in.bootInfo().toString(), "bind", "ro", "nosuid", "nodev",
                "noexec"));
        if (in.tpmFolder() != null) {
            // read-only: the guest can connect to the proxy's socket but not replace it
            mounts.add(OciMount.of(TpmPassthrough.GUEST_FOLDER, "bind", in.tpmFolder().toString(), "rbind", "ro", "nosuid",
                    "nodev", "noexec"));
        }

        // after /home and /var, which hold their mount points
        in.shares().forEach(share -> mounts.add(share.mount()));
        // a serial port is the host's node itself, bound in: a pseudo-terminal only works through its own devpts inode,
        // and nothing else of the host's /dev becomes visible
        in.serialPorts().forEach(port -> mounts.add(OciMount.bind("/dev/" + port.guestName(), port.hostPath(), false, "nosuid",
                "noexec")));
        spec.set("mounts", JSON.valueToTree(mounts));

        ObjectNode linux = spec.putObject("linux");
        List<Namespace> namespaces = new ArrayList<>();
        for (String type : List.of("pid", "mount", "uts", "ipc", "cgroup")) {
            namespaces.add(Namespace.fresh(type));
        }
        namespaces.add(Namespace.join("network", in.netns().toString()));
        linux.set("namespaces", JSON.valueToTree(namespaces));
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
        linux.set("seccomp", JSON.valueToTree(Seccomp.denying(DENIED_SYSCALLS)));
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(spec);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private GuestSpec() {
    }
}
