package io.eflow.edge.agent;

import io.eflow.contract.manifest.HostConfig;
import io.eflow.contract.manifest.Mount;
import io.eflow.contract.oci.OciMount;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * What a module's container mounts: the kernel filesystems every container has, the files the agent provides
 * (/etc/hosts, /etc/resolv.conf, the workload socket), then the module's Binds and Mounts in manifest order.
 *
 * @param volumes the folders of the named volumes used, which the agent creates before starting the container
 */
record ModuleMounts(List<OciMount> mounts, List<Path> volumes) {
    /** Where IoT Edge modules find the workload API's socket. */
    static final String WORKLOAD_FOLDER = "/var/run/iotedge";
    static final String WORKLOAD_SOCKET = "workload.sock";
    /** Where modules find the edge CA's certificate, to trust the hub's TLS port (EdgeModuleCACertificateFile). */
    static final String EDGE_CA_FILE = "/etc/eflow/edge-ca.pem";
    static final Path GUEST_RESOLV_CONF = Path.of("/etc/resolv.conf");

    ModuleMounts {
        mounts = List.copyOf(mounts);
        volumes = List.copyOf(volumes);
    }

    static ModuleMounts of(ModuleSpec.Inputs in) {
        String module = in.module().name();
        HostConfig host = in.module().createOptions().hostConfig();
        // privileged containers may change sysfs and cgroups, as under Docker
        String kernelFs = host.privileged() ? "rw" : "ro";
        List<OciMount> mounts = new ArrayList<>(List.of(
                new OciMount("/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev")),
                new OciMount("/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k")),
                new OciMount("/dev/pts", "devpts", "devpts",
                        List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5")),
                new OciMount("/dev/shm", "tmpfs", "shm", List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k")),
                new OciMount("/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev")),
                new OciMount("/sys", "sysfs", "sysfs", List.of("nosuid", "noexec", "nodev", kernelFs)),
                new OciMount("/sys/fs/cgroup", "cgroup", "cgroup", List.of("nosuid", "noexec", "nodev", "relatime", kernelFs)),
                OciMount.bind("/etc/hosts", in.hostsFile().toString(), true, "nosuid", "nodev", "noexec"),
                OciMount.bind("/etc/resolv.conf", GUEST_RESOLV_CONF.toString(), true, "nosuid", "nodev", "noexec")));
        in.hub().ifPresent(hub -> {
            // read-only: connect(2) works, but the module cannot replace the socket
            mounts.add(OciMount.bind(WORKLOAD_FOLDER, hub.workloadFolder().toString(), true, "nosuid", "nodev", "noexec"));
            mounts.add(OciMount.bind(EDGE_CA_FILE, hub.caCertificate().toString(), true, "nosuid", "nodev", "noexec"));
        });
        Set<String> targets = new HashSet<>();
        mounts.forEach(mount -> targets.add(mount.destination()));
        List<Path> volumes = new ArrayList<>();
        List<Mount> given = new ArrayList<>(host.binds());
        given.addAll(host.mounts());
        for (Mount mount : given) {
            if (!targets.add(Path.of(mount.target()).normalize().toString())) {
                throw new ModuleSpecException(module, "two mounts at " + mount.target() + " (in HostConfig.Binds or Mounts,"
                        + " or over a path the agent mounts itself); keep one");
            }
            mounts.add(switch (mount.type()) {
                case BIND -> bind(module, mount);
                case VOLUME -> {
                    Path folder = in.volumesRoot().resolve(mount.source().isEmpty() ? anonymous(module, mount.target()) : mount.source());
                    volumes.add(folder);
                    yield OciMount.bind(mount.target(), folder.toString(), mount.readOnly());
                }
                case TMPFS -> new OciMount(mount.target(), "tmpfs", "tmpfs",
                        List.of("nosuid", "nodev", "noexec", "mode=1777", mount.readOnly() ? "ro" : "rw"));
            });
        }
        return new ModuleMounts(mounts, volumes);
    }

    /** A guest path; Docker would create a missing one, but a typo then silently shares an empty folder. */
    private static OciMount bind(String module, Mount mount) {
        String bind = mount.source() + ":" + mount.target();
        if (!mount.source().startsWith("/")) {
            throw new ModuleSpecException(module, "bind " + bind + ": the guest path must be absolute");
        }
        if (!Files.exists(Path.of(mount.source()))) {
            throw new ModuleSpecException(module, "bind " + bind + ": " + mount.source() + " does not exist in the guest;"
                    + " create it first or fix the path");
        }
        return OciMount.bind(mount.target(), mount.source(), mount.readOnly());
    }

    /**
     * A volume without a name gets one from the module and the path: the same module keeps its data across
     * recreations, where Docker would start from an empty volume and leave the old one behind.
     */
    private static String anonymous(String module, String target) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(target.getBytes(StandardCharsets.UTF_8));
            return module + "-" + HexFormat.of().formatHex(hash, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
