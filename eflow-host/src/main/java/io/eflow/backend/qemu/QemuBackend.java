package io.eflow.backend.qemu;


import io.eflow.backend.Backend;
import io.eflow.backend.GuestLinks;
import io.eflow.backend.GuestNic;
import io.eflow.backend.GuestResolver;
import io.eflow.backend.GuestShell;
import io.eflow.backend.GuestStart;
import io.eflow.backend.RootCheck;
import io.eflow.backend.TrialRule;
import io.eflow.boot.BootControl;
import io.eflow.firewall.SshTransport;
import io.eflow.image.BootSlotInstaller;
import io.eflow.image.ImageManifest;
import io.eflow.instance.model.BackendKind;
import io.eflow.instance.model.InstanceConfig;
import io.eflow.instance.model.InstanceLayout;
import io.eflow.instance.model.PowerState;
import io.eflow.instance.model.Slot;
import io.eflow.platform.EflowException;
import io.eflow.platform.Exec;
import io.eflow.platform.FileTrees;
import io.eflow.platform.Pause;
import io.eflow.tpm.TpmPassthrough;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Runs a guest as a QEMU virtual machine: direct boot of the slot's kernel, virtio disks, user-mode NAT and SSH on
 * virtio-serial ports. QEMU is daemonized with a pid file, so a guest outlives a daemon restart.
 */
public final class QemuBackend implements Backend {
    private static final Logger LOG = LoggerFactory.getLogger(QemuBackend.class);
    /** Under TCG on a busy two-core host a boot takes seconds; this bounds a guest that never comes up. */
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration QUIT_GRACE = Duration.ofSeconds(5);
    private static final String POOLED_CHARDEV = "ssh0";
    private final HostAcceleration acceleration;
    /** The port gates this process serves, by instance run folder (unique across eflow homes). */
    private final Map<Path, PortGate> gates = new ConcurrentHashMap<>();

    private final TpmPassthrough tpm;

    public QemuBackend(HostAcceleration acceleration, TpmPassthrough tpm) {
        this.acceleration = acceleration;
        this.tpm = tpm;
    }

    @Override
    public void resume(InstanceConfig config, InstanceLayout layout) {
        serveChannel(layout);
        if (config.security().tpmPassthrough()) {
            tpm.servePort(layout);
        }
    }

    @Override
    public BackendKind kind() {
        return BackendKind.QEMU;
    }

    /**
     * QEMU's host sockets of the virtio-serial SSH ports, one connection each. Host clients never use them directly:
     * they connect to {@link InstanceLayout#sshSocket()}, where this process's {@link PortGate} hands out ports.
     */
    static List<Path> portSockets(InstanceLayout layout) {
        List<Path> sockets = new ArrayList<>();
        for (int port = 0; port < QemuCommand.SSH_PORTS; port++) {
            sockets.add(layout.sshSocket().resolveSibling("port-" + port + ".sock"));
        }
        return sockets;
    }

    private static Path gateLock(InstanceLayout layout) {
        return layout.run().resolve("port-gate.lock");
    }

    @Override
    public void serveChannel(InstanceLayout layout) {
        if (gates.containsKey(layout.run()) || QemuProcess.find(layout.run()).isEmpty()) {
            return;
        }
        synchronized (gates) {
            if (!gates.containsKey(layout.run())) {
                PortGate.open(layout.name(), layout.sshSocket(), portSockets(layout), gateLock(layout))
                        .ifPresent(gate -> gates.put(layout.run(), gate));
            }
        }
    }

    private void closeGate(InstanceLayout layout) {
        PortGate gate = gates.remove(layout.run());
        if (gate != null) {
            gate.close();
        }
    }

    static Path qmpSocket(InstanceLayout layout) {
        return layout.run().resolve("qmp.sock");
    }

    /**
     * The kernel and initramfs of the slot the initramfs will choose (the same rule, read from the same record),
     * so a trial slot boots its own kernel. A trial slot without one is dropped, as the initramfs drops a trial root
     * that cannot boot.
     */
    BootFiles bootFiles(InstanceLayout layout, Consumer<String> progress) {
        BootControl record = BootControl.read(layout.bootControl());
        Slot slot = record.choose().slot();
        Path target = layout.run().resolve("boot");
        try {
            BootSlotInstaller.extract(layout.bootSlot(slot), target);
        } catch (EflowException e) {
            if (slot.equals(record.active())) {
                throw e;
            }
            dropTrial(layout, record, e.getMessage(), progress);
            BootSlotInstaller.extract(layout.bootSlot(record.active()), target);
        }
        return new BootFiles(target.resolve(BootFiles.KERNEL), target.resolve(BootFiles.INITRD));
    }

    /** The host's side of the trial rule: a trial slot that cannot boot is dropped, and the active slot boots. */
    private static void dropTrial(InstanceLayout layout, BootControl record, String why, Consumer<String> progress) {
        TrialRule.drop(layout, record, why, progress);
    }

    /**
     * A VM's init loads the image's default rules before any service starts; the instance's full ruleset (with the
     * user's rules) replaces them in one nftables transaction from inside the guest, as root.
     */
    @Override
    public void applyFirewall(InstanceConfig config, InstanceLayout layout, GuestShell guest) {
        guest.run("sudo nft -f -", GuestLinks.firewall(config.security(), config.endpoints(), layout.run()).getBytes(StandardCharsets.UTF_8));
    }

    /** The user's rules join the defaults the guest's init loaded at boot. */
    @Override
    public void guestReady(InstanceConfig config, InstanceLayout layout, GuestShell guest) {
        applyFirewall(config, layout, guest);
    }

    static Map<Slot, ImageManifest> slotManifests(InstanceLayout layout) {
        Map<Slot, ImageManifest> slots = new LinkedHashMap<>();
        for (Slot slot : List.of(Slot.values())) {
            Path manifest = layout.slotManifest(slot);
            if (Files.isRegularFile(manifest)) {
                try {
                    slots.put(slot, ImageManifest.parse(Files.readAllBytes(manifest)));
                } catch (IOException e) {
                    throw EflowException.failure("cannot read " + manifest + ": " + e.getMessage(), e);
                }
            }
        }
        if (!slots.containsKey(Slot.A)) {
            throw EflowException.failure("root slot A has no recorded manifest (" + layout.slotManifest(Slot.A) + ")", null);
        }
        return slots;
    }

    /**
     * With the TCP SSH transport the guest must be reachable, as in the original's switch-attached VM: its NIC is a
     * host tap device on a routed link. Otherwise QEMU's user-mode NAT, which no one outside can reach.
     */
    static boolean routed(InstanceConfig config) {
        return config.security().sshTransport() == SshTransport.TCP;
    }

    /** On its user-mode NAT a VM asks QEMU's resolver, which asks the host's; a routed VM asks the host's directly. */
    @Override
    public GuestResolver defaultResolver(InstanceConfig config) {
        return routed(config) ? GuestResolver.host()
                : new GuestResolver(List.of(QemuCommand.dnsAddress(config.network())), List.of(), "QEMU's resolver on the guest's NAT");
    }

    QemuCommand.Inputs inputs(InstanceConfig config, InstanceLayout layout, Accelerator accelerator, BootFiles boot) {
        boolean routed = routed(config);
        String append = KernelCommandLine.build(slotManifests(layout), config.network(), GuestResolver.of(config, this).servers(),
                config.security().dmVerity(), config.shares(), config.serialPorts(), config.endpoints());
        return new QemuCommand.Inputs(HostAcceleration.QEMU, config.name(), accelerator, config.cpus(), config.memoryMb(),
                boot.kernel(), boot.initrd(), append, layout.bootControl(), layout.rootSlot(Slot.A), layout.rootSlot(Slot.B),
                layout.dataDisk(), layout.logDisk(), config.network(), layout.consoleLog(), qmpSocket(layout),
                QemuProcess.pidFile(layout.run()), portSockets(layout),
                routed ? new GuestNic(layout.hostId(), config.network()).hostInterface() : null,
                config.security().tpmPassthrough() ? TpmPassthrough.portSocket(layout) : null, config.shares(),
                config.serialPorts(), nics(config, layout));
    }

    private static List<QemuCommand.Nic> nics(InstanceConfig config, InstanceLayout layout) {
        List<QemuCommand.Nic> nics = new ArrayList<>();
        for (int i = 0; i < config.endpoints().size(); i++) {
            nics.add(new QemuCommand.Nic(GuestLinks.hostInterface(layout.hostId(), i), config.endpoints().get(i).mac()));
        }
        return nics;
    }

    @Override
    public void start(InstanceConfig config, InstanceLayout layout, Consumer<String> progress) {
        cleanup(layout);
        if (!HostAcceleration.qemuInstalled()) {
            throw new EflowException("the qemu backend needs " + HostAcceleration.QEMU + ": apt-get install qemu-system-x86");
        }
        GuestStart.run(layout, () -> cleanup(layout), () -> {
            for (Path disk : List.of(layout.bootControl(), layout.rootSlot(Slot.A), layout.rootSlot(Slot.B), layout.dataDisk(), layout.logDisk())) {
                if (!Files.isRegularFile(disk)) {
                    throw EflowException.failure("the guest's disk " + disk + " is missing; 'eflow verify' checks an instance", null);
                }
            }
            if (config.security().dmVerity()) {
                verifyBootSlot(layout, progress);
            }
            if (routed(config)) {
                new GuestNic(layout.hostId(), config.network()).createTap();
            }
            GuestLinks.createTaps(layout.hostId(), config.endpoints());
            if (config.security().tpmPassthrough()) {
                tpm.requireHostTpm();
                TpmPassthrough.prepare(layout);
            }
            config.shares().forEach(share -> NinePShare.ownedByTheGuestUser(Path.of(share.hostPath()), progress));
            Accelerator accelerator = acceleration.accelerator();
            progress.accept("QEMU with " + accelerator.qemuName() + ", " + config.cpus() + " vCPU, " + config.memoryMb() + " MB");
            List<String> argv = QemuCommand.argv(inputs(config, layout, accelerator, bootFiles(layout, progress)));
            LOG.info("{}: {}", config.name(), String.join(" ", argv));
            Exec.Result started = Exec.of(argv).outputTo(layout.log().resolve("qemu.log")).timeoutSeconds(60).run();
            if (!started.ok()) {
                throw EflowException.failure("QEMU did not start: " + started.describeFailure(), null);
            }
            QemuProcess.record(layout.run());
            serveChannel(layout);
            if (config.security().tpmPassthrough()) {
                progress.accept("TPM passthrough: the host's TPM, through eflow's DPS-only proxy, on port " + TpmPassthrough.PORT_NAME);
                tpm.servePort(layout);
            }
            awaitGuestChannel(layout);
        });
    }

    /**
     * dm-verity on: the slot the initramfs will choose is checked whole before QEMU starts (the guest's kernel then
     * checks every block it reads). A trial slot that fails is dropped here, the way the initramfs drops one that
     * cannot boot, and the active slot boots instead.
     */
    private static void verifyBootSlot(InstanceLayout layout, Consumer<String> progress) {
        BootControl record = BootControl.read(layout.bootControl());
        Slot slot = record.choose().slot();
        progress.accept("dm-verity: checking root slot " + slot);
        try {
            RootCheck.verify(layout, slot);
        } catch (EflowException e) {
            if (slot.equals(record.active())) {
                throw e;
            }
            dropTrial(layout, record, e.getMessage(), progress);
            RootCheck.verify(layout, record.active());
        }
    }

    /** Boot is done for the host once the guest has opened the pooled SSH port (QMP reports the frontend open). */
    private void awaitGuestChannel(InstanceLayout layout) throws IOException {
        long deadline = System.nanoTime() + BOOT_TIMEOUT.toNanos();
        try (Qmp qmp = Qmp.connect(qmpSocket(layout))) {
            while (!qmp.frontendOpen(POOLED_CHARDEV)) {
                if (QemuProcess.find(layout.run()).isEmpty()) {
                    throw stoppedWhileBooting(layout, null);
                }
                if (System.nanoTime() > deadline) {
                    throw EflowException.failure("the guest did not open its management channel within "
                            + BOOT_TIMEOUT.toSeconds() + " s; see " + layout.consoleLog(), null);
                }
                Pause.millis(10);
            }
        } catch (IOException e) {
            // A guest that powers off right away (an initramfs that cannot boot) can take QMP down mid-question:
            // give QEMU a moment to finish exiting, and then say why the guest stopped.
            long exitBy = System.nanoTime() + QUIT_GRACE.toNanos();
            while (QemuProcess.find(layout.run()).isPresent() && System.nanoTime() < exitBy) {
                Pause.millis(20);
            }
            if (QemuProcess.find(layout.run()).isEmpty()) {
                throw stoppedWhileBooting(layout, e);
            }
            throw EflowException.failure("lost QEMU's monitor while the guest was booting: " + e.getMessage(), e);
        }
    }

    private static final String FATAL = "eflow-init: FATAL: ";

    /** Names the initramfs's own reason when it gave one (a root that failed dm-verity, say). */
    private static EflowException stoppedWhileBooting(InstanceLayout layout, Exception cause) {
        String reason = "";
        try {
            reason = Files.readAllLines(layout.consoleLog(), StandardCharsets.ISO_8859_1).stream()
                    .filter(line -> line.contains(FATAL))
                    .reduce((first, second) -> second)
                    .map(line -> ": " + line.substring(line.indexOf(FATAL) + FATAL.length()).trim())
                    .orElse("");
        } catch (IOException unreadable) {
            // the console log is only a better message; the failure stands without it
        }
        return EflowException.failure("the guest stopped while booting" + reason + "; see " + layout.consoleLog(), cause);
    }

    @Override
    public void stop(InstanceConfig config, InstanceLayout layout, Duration grace, Runnable haltRequest) {
        Optional<QemuProcess> qemu = QemuProcess.find(layout.run());
        if (qemu.isPresent()) {
            try {
                // runit runs stage 3 on SIGCONT and powers the VM off; QEMU then exits (-no-reboot).
                haltRequest.run();
            } catch (RuntimeException e) {
                LOG.warn("{}: could not ask the guest to halt ({}); stopping it hard", config.name(), e.getMessage());
            }
            if (!awaitExit(qemu.get(), grace)) {
                quit(layout);
                if (!awaitExit(qemu.get(), QUIT_GRACE)) {
                    qemu.get().kill();
                }
            }
        }
        cleanup(layout);
    }

    @Override
    public void powerOff(InstanceLayout layout) {
        QemuProcess.find(layout.run()).ifPresent(qemu -> {
            qemu.kill();
            awaitExit(qemu, QUIT_GRACE);
        });
    }

    private static void quit(InstanceLayout layout) {
        try (Qmp qmp = Qmp.connect(qmpSocket(layout))) {
            qmp.execute("quit");
        } catch (IOException e) {
            // QEMU went away or its monitor is stuck: the kill that follows settles it
        }
    }

    private static boolean awaitExit(QemuProcess process, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (process.alive()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Pause.millis(20);
        }
        return true;
    }

    @Override
    public PowerState state(InstanceConfig config, InstanceLayout layout) {
        return QemuProcess.find(layout.run()).isPresent() ? PowerState.RUNNING : PowerState.STOPPED;
    }

    @Override
    public void cleanup(InstanceLayout layout) {
        Optional<QemuProcess> qemu = QemuProcess.find(layout.run()).or(() -> QemuProcess.unrecorded(layout.run(), qmpSocket(layout)));
        if (qemu.isPresent()) {
            qemu.get().kill();
            if (!awaitExit(qemu.get(), QUIT_GRACE)) {
                throw EflowException.failure("QEMU (pid " + qemu.get().pid() + ") of '" + layout.name() + "' did not end", null);
            }
        }
        closeGate(layout);
        tpm.stop(layout);
        GuestNic.remove(layout.hostId());
        GuestLinks.remove(layout.hostId());
        // Only this backend's files: the daemon also sweeps a folder another backend may have mounts in.
        for (Path file : List.of(qmpSocket(layout), QemuProcess.pidFile(layout.run()), QemuProcess.identityFile(layout.run()))) {
            FileTrees.deleteRecursively(file);
        }
        FileTrees.deleteRecursively(layout.run().resolve("boot"));
        for (Path socket : portSockets(layout)) {
            FileTrees.deleteRecursively(socket);
        }
        FileTrees.deleteRecursively(layout.sshSocket());
        FileTrees.deleteRecursively(gateLock(layout));
        deleteIfEmpty(layout.sshSocket().getParent());
        if (!hasMountsUnder(layout.run())) {
            FileTrees.deleteRecursively(layout.run());
        }
    }

    /** The daemon's sweep runs every backend's cleanup on one folder: never delete into another backend's mounts. */
    private static boolean hasMountsUnder(Path dir) {
        try {
            String prefix = dir.toAbsolutePath().normalize().toString();
            return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                    .map(line -> line.split(" ")[4])
                    .anyMatch(point -> point.equals(prefix) || point.startsWith(prefix + "/"));
        } catch (IOException e) {
            return true;
        }
    }

    private static void deleteIfEmpty(Path dir) {
        try {
            Files.deleteIfExists(dir);
        } catch (IOException notEmpty) {
            // something of another backend is still in it
        }
    }

}
