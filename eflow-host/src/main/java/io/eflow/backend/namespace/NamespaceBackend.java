package io.eflow.backend.namespace;

import io.eflow.backend.Backend;
import io.eflow.backend.GuestLinks;
import io.eflow.backend.GuestNic;
import io.eflow.backend.GuestResolver;
import io.eflow.backend.GuestShell;
import io.eflow.backend.GuestStart;
import io.eflow.backend.RootCheck;
import io.eflow.backend.TrialRule;
import io.eflow.boot.GuestDisks;
import io.eflow.instance.model.BackendKind;
import io.eflow.instance.model.InstanceConfig;
import io.eflow.instance.model.InstanceLayout;
import io.eflow.instance.model.PowerState;
import io.eflow.instance.model.SharedFolder;
import io.eflow.platform.EflowException;
import io.eflow.platform.EflowPaths;
import io.eflow.platform.Exec;
import io.eflow.platform.FileTrees;
import io.eflow.platform.Pause;
import io.eflow.tpm.TpmPassthrough;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs a guest in Linux namespaces with crun. The host mounts the guest's disks, builds its network namespace,
 * and starts the guest's own init (runit) as PID 1 of a new pid namespace. Starts in tens of milliseconds.
 */
public final class NamespaceBackend implements Backend {
    private static final Duration CHANNEL_TIMEOUT = Duration.ofSeconds(20);
    private final Crun crun;
    private final TpmPassthrough tpm;

    public NamespaceBackend(EflowPaths paths, TpmPassthrough tpm) {
        this.crun = new Crun(paths.run().resolve("crun"), CgroupMode.detect(Path.of("/sys/fs/cgroup")));
        this.tpm = tpm;
    }

    /** The TPM proxy's socket appears in a folder bind-mounted into the guest. */
    @Override
    public void resume(InstanceConfig config, InstanceLayout layout) {
        if (config.security().tpmPassthrough()) {
            tpm.serveSocket(layout);
        }
    }

    @Override
    public BackendKind kind() {
        return BackendKind.NAMESPACE;
    }

    static String containerId(String instance) {
        return "eflow-" + instance;
    }

    private static Path rootfs(InstanceLayout layout) {
        return layout.run().resolve("rootfs");
    }

    private static Path var(InstanceLayout layout) {
        return layout.run().resolve("var");
    }

    private static Path logs(InstanceLayout layout) {
        return layout.run().resolve("logs");
    }

    @Override
    public void start(InstanceConfig config, InstanceLayout layout, Consumer<String> progress) {
        cleanup(layout, false);
        GuestStart.run(layout, () -> cleanup(layout), () -> {
            if (!crun.cgroups().enforcesLimits()) {
                progress.accept("warning: this host's cgroups cannot be used; the guest runs without CPU and memory limits");
            }
            // No initramfs here: the host applies the trial rule (a trial slot is checked whole before it boots).
            TrialRule.Boot boot = TrialRule.apply(layout, progress);
            if (config.security().dmVerity() && !boot.trial()) {
                // No device-mapper on every host: the host checks the whole hash tree against the signed root hash
                // instead (a trial slot was checked whole already).
                progress.accept("dm-verity: checking root slot " + boot.slot());
                RootCheck.verify(layout, boot.slot());
            }
            Path bootInfo = writeBootInfo(layout, boot, config.security().dmVerity());
            GuestMounts.mountAll(List.of(
                    new GuestMounts.Disk(layout.rootSlot(boot.slot()), rootfs(layout), "erofs", "ro"),
                    new GuestMounts.Disk(layout.dataDisk(), var(layout), "ext4", "rw,nodev"),
                    new GuestMounts.Disk(layout.logDisk(), logs(layout), "ext4", "rw,nodev,nosuid,noexec")));
            GuestDisks.ensureOverlayLayers(var(layout));
            // the servers chosen with dns set, else the host's as they are now (the host may have moved networks)
            FileTrees.write(GuestDisks.etcUpper(var(layout)).resolve("resolv.conf"), GuestResolver.of(config, this).resolvConf(),
                    "rw-r--r--");
            // the proxy the guest runtime reads at each connection (ProxySettings.GUEST_FILE), or none
            Path proxy = GuestDisks.etcUpper(var(layout)).resolve("eflow/proxy.conf");
            if (config.network().proxy().isEmpty()) {
                FileTrees.deleteRecursively(proxy);
            } else {
                FileTrees.write(proxy, config.network().proxy().toFile().getBytes(StandardCharsets.UTF_8), "rw-r--r--");
            }
            GuestNic network = new GuestNic(layout.hostId(), config.network());
            network.createInNamespace();
            GuestLinks.createInNamespace(layout.hostId(), network.netns(), config.name(), config.endpoints(), layout.run(), layout.state());
            loadFirewall(config, layout); // before the guest's first process exists
            Path tpmFolder = null;
            if (config.security().tpmPassthrough()) {
                progress.accept("TPM passthrough: the host's TPM, through eflow's DPS-only proxy, at " + TpmPassthrough.GUEST_FOLDER);
                tpm.serveSocket(layout);
                tpmFolder = TpmPassthrough.folder(layout);
            }
            Path bundle = layout.run().resolve("bundle");
            Files.createDirectories(bundle);
            Files.writeString(bundle.resolve("config.json"), GuestSpec.render(new GuestSpec.Inputs(config.name(), layout.hostId(), rootfs(layout),
                    var(layout), logs(layout), layout.sshSocket().getParent(), network.netnsPath(), config.cpus(), config.memoryMb(),
                    crun.cgroups(), tpmFolder, layout.bootControl(), bootInfo, shares(config, progress), config.serialPorts())));
            Exec.Result started = crun.run(containerId(layout.hostId()), bundle, GuestProcess.pidFile(layout.run()),
                    layout.consoleLog());
            if (!started.ok()) {
                throw EflowException.failure("the guest did not start: " + started.describeFailure(), null);
            }
            GuestProcess.record(layout.run());
            awaitChannel(layout);
        });
    }

    /** Each shared folder with its host owner, read now: the owner the guest sees as iotedge-user. */
    private static List<GuestSpec.Share> shares(InstanceConfig config, Consumer<String> progress) throws IOException {
        List<GuestSpec.Share> shares = new ArrayList<>();
        for (SharedFolder folder : config.shares()) {
            Path host = Path.of(folder.hostPath());
            shares.add(new GuestSpec.Share(folder, (int) Files.getAttribute(host, "unix:uid", LinkOption.NOFOLLOW_LINKS),
                    (int) Files.getAttribute(host, "unix:gid", LinkOption.NOFOLLOW_LINKS)));
            progress.accept("shared folder " + host + " at " + folder.guestPath() + (folder.readOnly() ? " (read-only)" : ""));
        }
        return shares;
    }

    /** What the initramfs writes in a VM: the guest's health check reads the booted slot here. */
    private static Path writeBootInfo(InstanceLayout layout, TrialRule.Boot boot, boolean verity) throws IOException {
        Path file = layout.run().resolve("eflow-boot");
        Files.writeString(file, "slot=" + boot.slot() + "\nfallback=" + (boot.fellBack() ? "yes" : "no") + "\nverity="
                + (verity ? 1 : 0) + "\n");
        return file;
    }

    /** The guest's sshd listener creates the socket once init has reached stage 2. */
    private void awaitChannel(InstanceLayout layout) {
        long deadline = System.nanoTime() + CHANNEL_TIMEOUT.toNanos();
        while (!Files.exists(layout.sshSocket())) {
            if (System.nanoTime() > deadline) {
                throw EflowException.failure("the guest did not open its management channel within "
                        + CHANNEL_TIMEOUT.toSeconds() + " s; see " + layout.consoleLog() + " and the guest's /logs", null);
            }
            if (!GuestProcess.running(layout.run())) {
                throw EflowException.failure("the guest stopped while booting; see the guest's logs", null);
            }
            Pause.millis(5);
        }
    }

    @Override
    public void stop(InstanceConfig config, InstanceLayout layout, Duration grace, Runnable haltRequest) {
        String id = containerId(layout.hostId());
        if ("running".equals(crun.status(id))) {
            // SIGCONT makes runit run stage 3 (stop services cleanly) and then end the guest.
            crun.kill(id, "CONT");
            long deadline = System.nanoTime() + grace.toNanos();
            while ("running".equals(crun.status(id)) && System.nanoTime() < deadline) {
                Pause.millis(20);
            }
            if ("running".equals(crun.status(id))) {
                crun.kill(id, "KILL");
            }
        }
        cleanup(layout);
    }

    /**
     * The host loads the rules into the guest's network namespace; the guest has no CAP_NET_ADMIN, so even its
     * root cannot list, flush or change them.
     */
    @Override
    public void applyFirewall(InstanceConfig config, InstanceLayout layout, GuestShell guest) {
        loadFirewall(config, layout);
    }

    private static void loadFirewall(InstanceConfig config, InstanceLayout layout) {
        Exec.of("ip", "netns", "exec", new GuestNic(layout.hostId(), config.network()).netns(), "nft", "-f", "-")
                .input(GuestLinks.firewall(config.security(), config.endpoints(), layout.run())).check();
    }

    /** The guest's socat forks one sshd per connection: every session shares the one socket. */
    @Override
    public PowerState state(InstanceConfig config, InstanceLayout layout) {
        return GuestProcess.running(layout.run()) ? PowerState.RUNNING : PowerState.STOPPED;
    }

    @Override
    public void powerOff(InstanceLayout layout) {
        String id = containerId(layout.hostId());
        crun.kill(id, "KILL");
        long deadline = System.nanoTime() + CHANNEL_TIMEOUT.toNanos();
        while (GuestProcess.running(layout.run()) && System.nanoTime() < deadline) {
            Pause.millis(10);
        }
    }

    @Override
    public void cleanup(InstanceLayout layout) {
        cleanup(layout, true);
    }

    /** @param dropNat false before a start, whose network set-up replaces the NAT table in one transaction */
    private void cleanup(InstanceLayout layout, boolean dropNat) {
        String id = containerId(layout.hostId());
        if (crun.status(id) != null) {
            Exec.Result deleted = crun.delete(id);
            if (!deleted.ok() && crun.status(id) != null) {
                throw EflowException.failure("cannot remove the guest's container: " + deleted.describeFailure(), null);
            }
        }
        GuestMounts.unmountAll(List.of(rootfs(layout), var(layout), logs(layout)));
        tpm.stop(layout);
        GuestLinks.stopDhcpClients(layout.run());
        List<String> leftover = GuestMounts.mountedUnder(layout.run());
        if (!leftover.isEmpty()) {
            throw EflowException.failure("mounts remain under " + layout.run() + ": " + leftover, null);
        }
        GuestLinks.remove(layout.hostId());
        if (dropNat) {
            GuestNic.remove(layout.hostId());
        } else {
            GuestNic.removeLinks(layout.hostId());
        }
        removeEmptyCgroupParents();
        FileTrees.deleteRecursively(layout.run());
    }

    /** crun removes each guest's cgroup but not the shared /eflow parent; drop it once no guest uses it. */
    private static void removeEmptyCgroupParents() {
        try (var controllers = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path controller : controllers.toList()) {
                Path parent = controller.resolve("eflow");
                if (Files.isDirectory(parent)) {
                    try {
                        Files.delete(parent);
                    } catch (IOException stillUsed) {
                        // another guest's cgroup is below it
                    }
                }
            }
            Path unifiedParent = Path.of("/sys/fs/cgroup/eflow");
            if (Files.isDirectory(unifiedParent)) {
                try {
                    Files.delete(unifiedParent);
                } catch (IOException stillUsed) {
                    // another guest's cgroup is below it
                }
            }
        } catch (IOException e) {
            // no cgroup file system: nothing was created
        }
    }

}
