package io.eflow.instance;

import io.eflow.backend.Backend;
import io.eflow.backend.GuestResolver;
import io.eflow.boot.GuestDisks;
import io.eflow.boot.SlotRecords;
import io.eflow.channel.GuestHostKey;
import io.eflow.channel.UserCaKeys;
import io.eflow.contract.files.NoSpace;
import io.eflow.daemon.api.DeployRequest;
import io.eflow.firewall.GuestSecurity;
import io.eflow.image.BootSlotInstaller;
import io.eflow.image.GuestImage;
import io.eflow.image.SlotInstaller;
import io.eflow.instance.model.BackendKind;
import io.eflow.instance.model.InstanceConfig;
import io.eflow.instance.model.InstanceLayout;
import io.eflow.instance.model.NetworkConfig;
import io.eflow.instance.model.Slot;
import io.eflow.platform.EflowException;
import io.eflow.platform.FileTrees;
import io.eflow.platform.ParallelSteps;
import io.eflow.platform.Progress;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Deploy as one transaction: state folder, disks, slot A, keys, seeded /etc, configuration, first start.
 * A failure at any step removes all of it, so a failed deploy leaves nothing behind; a deploy marker makes
 * the daemon sweep the remains of one it did not live to finish.
 */
final class Deployer {
    private final InstanceStore store;
    private final GuestAccess access;

    Deployer(InstanceStore store, GuestAccess access) {
        this.store = store;
        this.access = access;
    }

    InstanceConfig deploy(DeployRequest.Validated request, BackendKind backendKind, Backend backend, GuestImage image,
                          DigestCheck digests, NetworkConfig network, Consumer<String> progress) {
        InstanceLayout layout = store.layout(request.name());
        InstanceConfig config = new InstanceConfig(request.name(), request.cpus(), request.memoryMb(), request.dataSizeGb(),
                request.logSize(), backendKind, network, image.manifest().version(), Slot.A, Instant.now(),
                new GuestSecurity(request.sshTransport(), List.of()));
        try {
            Files.createDirectories(layout.state());
            store.markDeploying(layout);
            progress.accept("creating disks (data " + request.dataSizeGb() + " GB, log " + request.logSize().gigabytes() + " GB)");
            GuestDisks.create(layout, request.dataSizeGb(), request.logSize());
            if (image.hasBootParts()) {
                // The qemu backend boots from here; namespace instances get it too, so updates find both slots alike.
                progress.accept("installing the kernel and initramfs into boot slot A");
            }
            progress.accept("generating the guest's host key and seeding /etc");
            // Announced last, as the longest of the three: its bar goes under its own line.
            String rootStep = "installing image " + image.manifest().version() + " into root slot A";
            progress.accept(rootStep);
            // Three writes to three files: side by side, the disk and both cores are busy, one after the other neither
            ParallelSteps.run(List.of(
                    () -> {
                        SlotInstaller.install(image, layout.rootSlot(Slot.A), Progress.of(progress), rootStep);
                        SlotRecords.record(layout, Slot.A, image);
                    },
                    () -> {
                        if (image.hasBootParts()) {
                            BootSlotInstaller.install(image, layout.bootSlot(Slot.A));
                        }
                    },
                    () -> {
                        GuestHostKey hostKey = GuestHostKey.generate();
                        FileTrees.write(layout.pinnedHostKey(), (hostKey.publicKeyLine() + "\n").getBytes(StandardCharsets.UTF_8), "rw-r--r--");
                        GuestDisks.seedEtc(layout.dataDisk(), layout.run().resolve("seed"), etcFiles(config, hostKey));
                    }));
            digests.await(); // nothing boots from parts whose digests are not the signed ones
            store.save(config);
            progress.accept("starting the guest (" + backendKind.cliName() + " backend)");
            backend.start(config, layout, progress);
            access.awaitReady(layout, Duration.ofSeconds(120));
            backend.guestReady(config, layout, access.shell(layout));
            store.markDeployed(layout);
            progress.accept("guest " + config.name() + " is running");
            return config;
        } catch (RuntimeException | IOException e) {
            rollBack(backend, config, layout);
            if (NoSpace.causedBy(e)) {
                throw EflowException.failure("deploy failed: " + NoSpace.describe(layout.state())
                        + "; nothing of the instance was kept. Free space there and deploy again", e);
            }
            if (e instanceof EflowException ee) {
                throw ee;
            }
            throw EflowException.failure("deploy failed: " + e.getMessage(), e);
        }
    }

    private void rollBack(Backend backend, InstanceConfig config, InstanceLayout layout) {
        access.forget(config.name());
        try {
            backend.cleanup(layout);
        } finally {
            FileTrees.deleteRecursively(layout.state());
            FileTrees.deleteRecursively(layout.log());
        }
    }

    private Map<String, GuestDisks.SeedFile> etcFiles(InstanceConfig config, GuestHostKey hostKey) {
        Map<String, GuestDisks.SeedFile> files = new LinkedHashMap<>();
        files.putAll(KeyRotation.hostKeyFiles(hostKey));
        // every CA the host holds: a guest deployed while a rotation is unfinished trusts what the others trust
        files.put(KeyRotation.TRUST_FILE, new GuestDisks.SeedFile(UserCaKeys.trustFile(access.authorities().trusted()), "rw-r--r--"));
        files.put("hostname", new GuestDisks.SeedFile(utf8(config.name() + "\n"), "rw-r--r--"));
        files.put("hosts", new GuestDisks.SeedFile(utf8("127.0.0.1 localhost\n127.0.1.1 " + config.name() + "\n"
                + "::1 localhost ip6-localhost ip6-loopback\n"), "rw-r--r--"));
        files.put("resolv.conf", new GuestDisks.SeedFile(GuestResolver.host().resolvConf(), "rw-r--r--"));
        // read by the guest's init: whether sshd also listens on tcp/22
        files.put("eflow/ssh-transport", new GuestDisks.SeedFile(utf8(config.security().sshTransport().cliName() + "\n"), "rw-r--r--"));
        return files;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
