package io.eflow.backend.qemu;

import io.eflow.contract.proxy.ProxySettings;
import io.eflow.image.ImageManifest;
import io.eflow.instance.model.Endpoint;
import io.eflow.instance.model.NetworkConfig;
import io.eflow.instance.model.SharedFolder;
import io.eflow.instance.model.Slot;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QemuCommandTest {
    private static final NetworkConfig NET = new NetworkConfig("172.30.4.2", 24, "172.30.4.1", "02:11:22:33:44:55", false);
    private static final Path RUN = Path.of("/run/eflow/instances/edge1");
    private static final Path DISKS = Path.of("/var/lib/eflow/edge1/disks");

    private static QemuCommand.Inputs inputs(Accelerator accelerator, int cpus, int memory) {
        return new QemuCommand.Inputs("qemu-system-x86_64", "edge1", accelerator, cpus, memory, RUN.resolve("boot/vmlinux"),
                RUN.resolve("boot/initrd.img"), "console=ttyS0 eflow.ip=172.30.4.2/24", DISKS.resolve("bootctl.img"),
                DISKS.resolve("root-a.img"), DISKS.resolve("root-b.img"), DISKS.resolve("data.img"), DISKS.resolve("log.img"),
                NET, Path.of("/var/log/eflow/edge1/console.log"), RUN.resolve("qmp.sock"), RUN.resolve("qemu.pid"),
                List.of(RUN.resolve("host/port-0.sock"), RUN.resolve("host/port-1.sock"), RUN.resolve("host/port-2.sock"),
                        RUN.resolve("host/port-3.sock")), null, null, List.of(), List.of(), List.of());
    }

    /** The values that follow each occurrence of {@code option}. */
    private static List<String> values(List<String> argv, String option) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < argv.size() - 1; i++) {
            if (argv.get(i).equals(option)) {
                values.add(argv.get(i + 1));
            }
        }
        return values;
    }

    @Test
    void disksComeInTheOrderTheInitramfsExpectsWithRootSlotsReadOnly() {
        List<String> drives = values(QemuCommand.argv(inputs(Accelerator.TCG, 1, 1024)), "-drive");
        assertThat(drives).containsExactly(
                "if=virtio,format=raw,aio=threads,file=/var/lib/eflow/edge1/disks/bootctl.img",
                "if=virtio,format=raw,aio=threads,file=/var/lib/eflow/edge1/disks/root-a.img,readonly=on",
                "if=virtio,format=raw,aio=threads,file=/var/lib/eflow/edge1/disks/root-b.img,readonly=on",
                "if=virtio,format=raw,aio=threads,file=/var/lib/eflow/edge1/disks/data.img,discard=unmap",
                "if=virtio,format=raw,aio=threads,file=/var/lib/eflow/edge1/disks/log.img,discard=unmap");
    }

    @Test
    void sizingBecomesVcpusAndRam() {
        List<String> argv = QemuCommand.argv(inputs(Accelerator.TCG, 2, 1536));
        assertThat(values(argv, "-smp")).containsExactly("2");
        assertThat(values(argv, "-m")).containsExactly("1536");
    }

    @Test
    void acceleratorChoosesTheCpuModel() {
        List<String> tcg = QemuCommand.argv(inputs(Accelerator.TCG, 1, 1024));
        assertThat(values(tcg, "-accel")).containsExactly("tcg");
        assertThat(values(tcg, "-cpu")).containsExactly("max");
        List<String> kvm = QemuCommand.argv(inputs(Accelerator.KVM, 1, 1024));
        assertThat(values(kvm, "-accel")).containsExactly("kvm");
        assertThat(values(kvm, "-cpu")).containsExactly("host");
    }

    @Test
    void sshRunsOnFourVirtioSerialPortsBackedByHostUnixSockets() {
        List<String> argv = QemuCommand.argv(inputs(Accelerator.TCG, 1, 1024));
        assertThat(values(argv, "-chardev")).containsExactly(
                "socket,id=ssh0,path=/run/eflow/instances/edge1/host/port-0.sock,server=on,wait=off",
                "socket,id=ssh1,path=/run/eflow/instances/edge1/host/port-1.sock,server=on,wait=off",
                "socket,id=ssh2,path=/run/eflow/instances/edge1/host/port-2.sock,server=on,wait=off",
                "socket,id=ssh3,path=/run/eflow/instances/edge1/host/port-3.sock,server=on,wait=off");
        assertThat(values(argv, "-device")).contains("virtio-serial-pci,id=vser0",
                "virtserialport,bus=vser0.0,chardev=ssh0,name=eflow.ssh.0",
                "virtserialport,bus=vser0.0,chardev=ssh3,name=eflow.ssh.3");
    }

    @Test
    void networkIsUserModeNatOnTheConfiguredSubnetWithoutHostForwards() {
        List<String> argv = QemuCommand.argv(inputs(Accelerator.TCG, 1, 1024));
        assertThat(values(argv, "-netdev")).containsExactly(
                "user,id=n0,ipv6=off,net=172.30.4.0/24,host=172.30.4.1,dns=172.30.4.3,dhcpstart=172.30.4.2");
        assertThat(values(argv, "-device")).contains("virtio-net-pci,netdev=n0,mac=02:11:22:33:44:55,romfile=");
        assertThat(String.join(" ", argv)).doesNotContain("hostfwd").doesNotContain("restrict=on").doesNotContain("tcp:");
    }

    @Test
    void aRoutedGuestsNicIsItsTapDeviceAndTheTpmIsAPortOfItsOwn() {
        QemuCommand.Inputs user = inputs(Accelerator.TCG, 1, 1024);
        QemuCommand.Inputs routed = new QemuCommand.Inputs(user.qemu(), user.name(), user.accelerator(), user.cpus(), user.memoryMb(),
                user.kernel(), user.initrd(), user.kernelCommandLine(), user.bootControl(), user.rootA(), user.rootB(), user.data(),
                user.log(), user.network(), user.consoleLog(), user.qmpSocket(), user.pidFile(), user.sshSockets(), "ef0123456789",
                RUN.resolve("tpm/port.sock"), List.of(), List.of(), List.of());
        List<String> argv = QemuCommand.argv(routed);
        assertThat(values(argv, "-netdev")).containsExactly("tap,id=n0,ifname=ef0123456789,script=no,downscript=no");
        assertThat(values(argv, "-chardev")).contains("socket,id=tpm,path=/run/eflow/instances/edge1/tpm/port.sock,server=on,wait=off");
        assertThat(values(argv, "-device")).contains("virtserialport,bus=vser0.0,chardev=tpm,name=eflow.tpm");
        assertThat(values(argv, "-device")).contains("virtio-net-pci,netdev=n0,mac=02:11:22:33:44:55,romfile=");
    }

    @Test
    void bootsTheKernelDirectlyAndRunsDetachedWithAPidFileAndQmpOnAUnixSocket() {
        List<String> argv = QemuCommand.argv(inputs(Accelerator.TCG, 1, 1024));
        assertThat(argv.get(0)).isEqualTo("qemu-system-x86_64");
        assertThat(argv).contains("-nodefaults", "-no-user-config", "-no-reboot", "-daemonize");
        assertThat(values(argv, "-machine")).containsExactly("q35");
        assertThat(values(argv, "-kernel")).containsExactly("/run/eflow/instances/edge1/boot/vmlinux");
        assertThat(values(argv, "-initrd")).containsExactly("/run/eflow/instances/edge1/boot/initrd.img");
        assertThat(values(argv, "-append")).containsExactly("console=ttyS0 eflow.ip=172.30.4.2/24");
        assertThat(values(argv, "-serial")).containsExactly("file:/var/log/eflow/edge1/console.log");
        assertThat(values(argv, "-qmp")).containsExactly("unix:/run/eflow/instances/edge1/qmp.sock,server=on,wait=off");
        assertThat(values(argv, "-pidfile")).containsExactly("/run/eflow/instances/edge1/qemu.pid");
    }

    @Test
    void commasInPathsAreDoubledForQemu() {
        assertThat(QemuCommand.path(Path.of("/a,b/c"))).isEqualTo("/a,,b/c");
    }

    @Test
    void theDnsAddressAvoidsTheGatewayAndTheGuest() {
        assertThat(QemuCommand.dnsAddress(NET)).isEqualTo("172.30.4.3");
        assertThat(QemuCommand.dnsAddress(new NetworkConfig("10.1.0.3", 24, "10.1.0.4", "02:00:00:00:00:01", true)))
                .isEqualTo("10.1.0.5");
    }

    @Test
    void kernelCommandLineCarriesEachSlotsVerityParametersAndTheNetwork() {
        Map<Slot, ImageManifest> slots = new LinkedHashMap<>();
        slots.put(Slot.A, manifest("aa11", "bb22", 1000));
        slots.put(Slot.B, manifest("cc33", "dd44", 2000));
        assertThat(KernelCommandLine.build(slots, NET, List.of("172.30.4.3"), false, List.of(), List.of(), List.of())).isEqualTo("console=ttyS0 quiet panic=-1 eflow.verity=0 "
                + "eflow.roothash.A=aa11 eflow.salt.A=bb22 eflow.blocks.A=1000 "
                + "eflow.roothash.B=cc33 eflow.salt.B=dd44 eflow.blocks.B=2000 "
                + "eflow.ip=172.30.4.2/24 eflow.gw=172.30.4.1 eflow.dns=172.30.4.3");
        assertThat(KernelCommandLine.build(Map.of(Slot.A, manifest("aa11", "bb22", 1000)), NET, List.of("172.30.4.3"), false, List.of(), List.of(), List.of()))
                .doesNotContain(".B=");
    }

    @Test
    void eachSharedFolderIsANinePDeviceWhoseTagTheKernelCommandLineMapsToItsGuestFolder() {
        QemuCommand.Inputs plain = inputs(Accelerator.TCG, 1, 1024);
        List<SharedFolder> shares = List.of(new SharedFolder("/srv/plant data,1", "/home/iotedge-user/data", false),
                new SharedFolder("/srv/recipes", "/var/recipes", true));
        QemuCommand.Inputs shared = new QemuCommand.Inputs(plain.qemu(), plain.name(), plain.accelerator(), plain.cpus(),
                plain.memoryMb(), plain.kernel(), plain.initrd(), plain.kernelCommandLine(), plain.bootControl(), plain.rootA(),
                plain.rootB(), plain.data(), plain.log(), plain.network(), plain.consoleLog(), plain.qmpSocket(), plain.pidFile(),
                plain.sshSockets(), null, null, shares, List.of(), List.of());
        List<String> argv = QemuCommand.argv(shared);
        assertThat(values(argv, "-fsdev")).containsExactly(
                "local,id=share0,path=/srv/plant data,,1,security_model=mapped-xattr",
                "local,id=share1,path=/srv/recipes,security_model=mapped-xattr,readonly=on");
        assertThat(values(argv, "-device")).contains("virtio-9p-pci,fsdev=share0,mount_tag=eflow.share.0",
                "virtio-9p-pci,fsdev=share1,mount_tag=eflow.share.1");
        assertThat(values(QemuCommand.argv(plain), "-fsdev")).isEmpty();
        assertThat(KernelCommandLine.build(Map.of(Slot.A, manifest("aa11", "bb22", 1000)), NET, List.of(), false, shares, List.of(), List.of()))
                .endsWith(" eflow.share.0=rw:/home/iotedge-user/data eflow.share.1=ro:/var/recipes");
    }

    @Test
    void theNameServersTheUserChoseReachTheGuestAsOneListAndNoneMeansTheGuestKeepsItsOwn() {
        Map<Slot, ImageManifest> slot = Map.of(Slot.A, manifest("aa11", "bb22", 1000));
        assertThat(KernelCommandLine.build(slot, NET, List.of("10.251.0.2", "192.0.2.53"), false, List.of(), List.of(), List.of()))
                .endsWith(" eflow.gw=172.30.4.1 eflow.dns=10.251.0.2,192.0.2.53");
        assertThat(KernelCommandLine.build(slot, NET, List.of(), false, List.of(), List.of(), List.of())).endsWith(" eflow.gw=172.30.4.1");
        assertThatThrownBy(() -> KernelCommandLine.build(slot, NET, List.of("10.0.0.1 init=/bin/sh"), false, List.of(), List.of(), List.of()))
                .hasMessageContaining("must be an IPv4 address");
    }

    @Test
    void eachEndpointIsAVirtioNicOnItsTapAndTheGuestFindsItByMacWithTheChosenDefaultRouteFirst() {
        QemuCommand.Inputs plain = inputs(Accelerator.TCG, 1, 1024);
        QemuCommand.Inputs nics = new QemuCommand.Inputs(plain.qemu(), plain.name(), plain.accelerator(), plain.cpus(),
                plain.memoryMb(), plain.kernel(), plain.initrd(), plain.kernelCommandLine(), plain.bootControl(), plain.rootA(),
                plain.rootB(), plain.data(), plain.log(), plain.network(), plain.consoleLog(), plain.qmpSocket(), plain.pidFile(),
                plain.sshSockets(), null, null, List.of(), List.of(),
                List.of(new QemuCommand.Nic("ex0a1b2c3d0", "02:00:00:00:00:01"), new QemuCommand.Nic("ex0a1b2c3d1", "02:00:00:00:00:02")));
        List<String> argv = QemuCommand.argv(nics);
        assertThat(values(argv, "-netdev")).containsSubsequence("tap,id=n1,ifname=ex0a1b2c3d0,script=no,downscript=no",
                "tap,id=n2,ifname=ex0a1b2c3d1,script=no,downscript=no");
        assertThat(values(argv, "-device")).contains("virtio-net-pci,netdev=n1,mac=02:00:00:00:00:01,romfile=",
                "virtio-net-pci,netdev=n2,mac=02:00:00:00:00:02,romfile=");

        List<Endpoint> endpoints = List.of(
                new Endpoint("plant", "plant", "br0", "02:00:00:00:00:01", null, false),
                new Endpoint("lab", "lab", "efn0", "02:00:00:00:00:02", new Endpoint.StaticAddress("10.198.0.20", 24, "10.198.0.1"), true),
                new Endpoint("iso", "iso", "efn1", "02:00:00:00:00:03", new Endpoint.StaticAddress("10.197.0.20", 24, null), false));
        assertThat(KernelCommandLine.build(Map.of(Slot.A, manifest("aa11", "bb22", 1000)), NET, List.of(), false, List.of(), List.of(),
                endpoints)).endsWith(" eflow.nic.1=02:00:00:00:00:01,dhcp,200 eflow.nic.2=02:00:00:00:00:02,10.198.0.20/24,10.198.0.1,50"
                        + " eflow.nic.3=02:00:00:00:00:03,10.197.0.20/24,-,202");
    }

    @Test
    void theProxyReachesAVmOnItsKernelCommandLineAndNoneLeavesItOut() {
        Map<Slot, ImageManifest> slot = Map.of(Slot.A, manifest("aa11", "bb22", 1000));
        NetworkConfig proxied = NET.withProxy(new ProxySettings("http://p.plant:3128", "http://p.plant:3129", List.of(".corp", "10.0.0.5")));
        assertThat(KernelCommandLine.build(slot, proxied, List.of(), false, List.of(), List.of(), List.of())).endsWith(
                " eflow.proxy.http=http://p.plant:3128 eflow.proxy.https=http://p.plant:3129 eflow.proxy.no=.corp,10.0.0.5");
        assertThat(KernelCommandLine.build(slot, NET, List.of(), false, List.of(), List.of(), List.of())).doesNotContain("eflow.proxy");
    }

    @Test
    void kernelCommandLineRefusesValuesThatAreNotHex() {
        assertThatThrownBy(() -> KernelCommandLine.build(Map.of(Slot.A, manifest("aa init=/bin/sh", "bb", 1)), NET, List.of("172.30.4.3"), false, List.of(), List.of(), List.of()))
                .hasMessageContaining("not hexadecimal");
        assertThatThrownBy(() -> KernelCommandLine.build(Map.of(Slot.B, manifest("aa", "bb", 1)), NET, List.of("172.30.4.3"), false, List.of(), List.of(), List.of()))
                .hasMessageContaining("slot A");
    }

    private static ImageManifest manifest(String rootHash, String salt, long blocks) {
        return new ImageManifest(ImageManifest.NAME, "1", "amd64", "2026-01-01T00:00:00Z", "00", List.of(),
                new ImageManifest.Verity("sha256", 4096, 4096, blocks, salt, rootHash));
    }
}
