package io.eflow.backend.qemu;

import io.eflow.instance.model.NetworkConfig;
import io.eflow.instance.model.SerialPort;
import io.eflow.instance.model.SharedFolder;
import io.eflow.instance.model.StaticIp;
import io.eflow.tpm.TpmPassthrough;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The QEMU command line of one guest: direct kernel boot, the five disks in the order the guest's initramfs
 * expects, user-mode NAT without any host forward, and the SSH channel on virtio-serial ports backed by host
 * UNIX sockets. Nothing here opens a TCP port on the host.
 */
public final class QemuCommand {
    /** q35 boots Debian's PVH vmlinux directly and has the PCI slots for the virtio devices. */
    static final String MACHINE = "q35";
    /** Virtio-serial ports for SSH: port 0 is the daemon's pooled connection, the rest serve 'eflow connect'. */
    public static final int SSH_PORTS = 4;
    public static final String PORT_NAME_PREFIX = "eflow.ssh.";
    /** The 9p mount tag of shared folder N, which the initramfs mounts where {@code eflow.share.N} says. */
    public static final String SHARE_TAG_PREFIX = "eflow.share.";

    private QemuCommand() {
    }

    /**
     * Everything the command line depends on.
     *
     * @param sshSockets QEMU's host socket of each virtio-serial SSH port, port 0 first
     * @param tap        the host tap device of the guest's NIC (routed, reachable), or null for QEMU's user-mode NAT
     * @param tpmPort    QEMU's socket of the TPM passthrough port (the TPM proxy attaches to it), or null
     * @param shares     shared folders, each a virtio-9p device tagged {@code eflow.share.N} in this order
     * @param serialPorts host serial ports, the guest's ttyS1 to ttyS3 in this order (ttyS0 is its console)
     * @param endpoints  the endpoints' taps and MACs, in the endpoints' order (the guest finds each NIC by its MAC)
     */
    public record Inputs(String qemu, String name, Accelerator accelerator, int cpus, int memoryMb, Path kernel, Path initrd,
                         String kernelCommandLine, Path bootControl, Path rootA, Path rootB, Path data, Path log,
                         NetworkConfig network, Path consoleLog, Path qmpSocket, Path pidFile, List<Path> sshSockets,
                         String tap, Path tpmPort, List<SharedFolder> shares, List<SerialPort> serialPorts, List<Nic> endpoints) {
        public Inputs {
            endpoints = List.copyOf(endpoints);
            sshSockets = List.copyOf(sshSockets);
            shares = List.copyOf(shares);
            serialPorts = List.copyOf(serialPorts);
        }
    }

    /** A NIC on a host tap: @param tap the tap's name; @param mac the guest's MAC */
    public record Nic(String tap, String mac) {
    }

    static String cpuModel(Accelerator accelerator) {
        return accelerator == Accelerator.TCG ? "max" : "host";
    }

    public static List<String> argv(Inputs in) {
        List<String> argv = new ArrayList<>(List.of(in.qemu(),
                "-name", "eflow-" + in.name(),
                "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
                "-machine", MACHINE, "-accel", in.accelerator().qemuName(), "-cpu", cpuModel(in.accelerator()),
                "-smp", Integer.toString(in.cpus()), "-m", Integer.toString(in.memoryMb()),
                "-kernel", path(in.kernel()), "-initrd", path(in.initrd()), "-append", in.kernelCommandLine()));
        drive(argv, in.bootControl(), "");
        drive(argv, in.rootA(), ",readonly=on");
        drive(argv, in.rootB(), ",readonly=on");
        drive(argv, in.data(), ",discard=unmap");
        drive(argv, in.log(), ",discard=unmap");
        NetworkConfig net = in.network();
        // Outbound NAT in QEMU itself; no hostfwd, so nothing listens on the host. romfile= skips the PXE ROM.
        argv.addAll(List.of(
                "-netdev", in.tap() != null ? "tap,id=n0,ifname=" + in.tap() + ",script=no,downscript=no"
                        : "user,id=n0,ipv6=off,net=" + net.subnet() + ",host=" + net.gateway() + ",dns=" + dnsAddress(net)
                        + ",dhcpstart=" + net.address(),
                "-device", "virtio-net-pci,netdev=n0,mac=" + net.mac() + ",romfile="));
        for (int i = 0; i < in.endpoints().size(); i++) {
            Nic nic = in.endpoints().get(i);
            argv.addAll(List.of("-netdev", "tap,id=n" + (i + 1) + ",ifname=" + nic.tap() + ",script=no,downscript=no",
                    "-device", "virtio-net-pci,netdev=n" + (i + 1) + ",mac=" + nic.mac() + ",romfile="));
        }
        argv.addAll(List.of(
                "-device", "virtio-rng-pci",
                "-device", "virtio-serial-pci,id=vser0"));
        for (int port = 0; port < in.sshSockets().size(); port++) {
            argv.addAll(List.of(
                    "-chardev", "socket,id=ssh" + port + ",path=" + path(in.sshSockets().get(port)) + ",server=on,wait=off",
                    "-device", "virtserialport,bus=vser0.0,chardev=ssh" + port + ",name=" + PORT_NAME_PREFIX + port));
        }
        if (in.tpmPort() != null) {
            argv.addAll(List.of(
                    "-chardev", "socket,id=tpm,path=" + path(in.tpmPort()) + ",server=on,wait=off",
                    "-device", "virtserialport,bus=vser0.0,chardev=tpm,name=" + TpmPassthrough.PORT_NAME));
        }
        for (int i = 0; i < in.shares().size(); i++) {
            SharedFolder share = in.shares().get(i);
            // mapped-xattr: the guest's chown and chmod land in extended attributes, never on the host's owners
            argv.addAll(List.of(
                    "-fsdev", "local,id=share" + i + ",path=" + path(Path.of(share.hostPath())) + ",security_model=mapped-xattr"
                            + (share.readOnly() ? ",readonly=on" : ""),
                    "-device", "virtio-9p-pci,fsdev=share" + i + ",mount_tag=" + SHARE_TAG_PREFIX + i));
        }
        argv.addAll(List.of("-serial", "file:" + path(in.consoleLog())));
        for (int i = 0; i < in.serialPorts().size(); i++) {
            // QEMU drives the host's port with its termios (speed, parity) as the guest sets them on its UART
            argv.addAll(List.of(
                    "-chardev", "serial,id=serial" + (i + 1) + ",path=" + path(Path.of(in.serialPorts().get(i).hostPath())),
                    "-device", "isa-serial,chardev=serial" + (i + 1) + ",index=" + (i + 1)));
        }
        argv.addAll(List.of(
                "-qmp", "unix:" + path(in.qmpSocket()) + ",server=on,wait=off",
                "-pidfile", in.pidFile().toString(),
                "-daemonize"));
        return List.copyOf(argv);
    }

    private static void drive(List<String> argv, Path file, String options) {
        argv.addAll(List.of("-drive", "if=virtio,format=raw,aio=threads,file=" + path(file) + options));
    }

    /** QEMU option values end at a comma; a literal comma is written twice. */
    static String path(Path path) {
        return path.toString().replace(",", ",,");
    }

    /**
     * QEMU's built-in DNS forwarder: the first address of the guest's subnet after the gateway that is neither the
     * gateway nor the guest (172.30.N.3 for the default 172.30.N.2 guest behind 172.30.N.1).
     */
    public static String dnsAddress(NetworkConfig net) {
        int mask = -1 << (32 - net.prefix());
        int base = StaticIp.toInt(net.address()) & mask;
        int broadcast = base | ~mask;
        int gateway = StaticIp.toInt(net.gateway());
        int guest = StaticIp.toInt(net.address());
        for (int candidate = base + 3; candidate < broadcast; candidate++) {
            if (candidate != gateway && candidate != guest) {
                return toText(candidate);
            }
        }
        for (int candidate = base + 1; candidate < broadcast; candidate++) {
            if (candidate != gateway && candidate != guest) {
                return toText(candidate);
            }
        }
        throw new IllegalArgumentException("subnet " + net.subnet() + " has no room for a DNS address");
    }

    private static String toText(int address) {
        return ((address >>> 24) & 0xff) + "." + ((address >>> 16) & 0xff) + "." + ((address >>> 8) & 0xff) + "." + (address & 0xff);
    }
}
