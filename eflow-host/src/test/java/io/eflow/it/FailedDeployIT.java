package io.eflow.it;

import io.eflow.daemon.api.DeployRequest;
import io.eflow.image.TestImages;
import io.eflow.instance.InstanceManager;
import io.eflow.platform.EflowException;
import io.eflow.platform.EflowPaths;
import io.eflow.platform.Exec;
import io.eflow.platform.FileTrees;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A deploy that fails late — disks made, slots written, keys seeded, disks mounted or QEMU started, network built —
 * removes every bit of it: the guest image here is validly signed but has no init, so it cannot boot. Images that
 * are unsigned or signed by a key eflow does not trust are refused before anything is made.
 */
@BothBackends
class FailedDeployIT {
    @Parameter
    String backend;

    @Test
    void aGuestThatCannotBootLeavesNothingBehind(TestHost host) throws Exception {
        Path work = Files.createTempDirectory("eflow-broken-image");
        try {
            Path tree = work.resolve("tree");
            for (String dir : new String[] {"etc", "home", "root", "var", "logs", "run", "tmp", "proc", "sys", "dev", "usr/sbin"}) {
                Files.createDirectories(tree.resolve(dir));
            }
            Path keyDir = work.resolve("key");
            TestImages.sealed(tree, work.resolve("image"), keyDir, "0.0.1-broken", host.image());
            Files.createDirectories(host.paths().trust());
            Files.copy(TestImages.publicKeyFile(keyDir), host.paths().trust().resolve("broken-test.pub"));

            String name = "it-broken";
            DeployRequest request = new DeployRequest(name, 1, 1024, 2, "small", backend, null, null, null,
                    work.resolve("image").toString());
            // namespace: crun cannot run a missing init; qemu: the initramfs finds no init in the root and powers off
            assertThatThrownBy(() -> host.manager().deploy(request, line -> { }))
                    .isInstanceOf(EflowException.class)
                    .hasMessageMatching(backend.equals(TestHost.QEMU)
                            ? "(?s).*the guest stopped while booting: active slot A cannot boot: slot A cannot read /usr/sbin/runit.*"
                            : "(?s).*did not start.*");

            assertThat(LifecycleIT.Traces.of(host, name).describe()).isEqualTo(LifecycleIT.Traces.none().describe());
            assertThat(host.manager().list()).noneMatch(i -> i.name().equals(name));
        } finally {
            Files.deleteIfExists(host.paths().trust().resolve("broken-test.pub"));
            FileTrees.deleteRecursively(work);
        }
    }

    @Test
    void anUnsignedImageIsRefusedBeforeAnythingIsCreated(TestHost host) throws Exception {
        Path work = Files.createTempDirectory("eflow-unsigned-image");
        Path trusted = host.paths().trust().resolve("unsigned-test.pub");
        try {
            Path image = smallImage(work, work.resolve("key"), "0.0.1-unsigned");
            Files.createDirectories(host.paths().trust());
            Files.copy(TestImages.publicKeyFile(work.resolve("key")), trusted);
            Files.delete(image.resolve("manifest.sig"));
            assertRefusedBeforeAnythingIsMade(host, "it-unsigned", image, "unsigned");
        } finally {
            Files.deleteIfExists(trusted);
            FileTrees.deleteRecursively(work);
        }
    }

    @Test
    void anImageFromAnUntrustedKeyIsRefusedBeforeAnythingIsCreated(TestHost host) throws Exception {
        Path work = Files.createTempDirectory("eflow-untrusted-image");
        try {
            assertRefusedBeforeAnythingIsMade(host, "it-untrusted", smallImage(work, work.resolve("other-key"), "0.0.1-untrusted"),
                    "trusted");
        } finally {
            FileTrees.deleteRecursively(work);
        }
    }

    /**
     * A part changed after signing, its size kept: the deploy checks digests while it copies the parts, and fails
     * before anything boots, leaving nothing behind.
     */
    @Test
    void aPartWhoseBytesAreNotTheSignedOnesFailsTheDeployAndLeavesNothing(TestHost host) throws Exception {
        Path work = Files.createTempDirectory("eflow-tampered-image");
        Path trusted = host.paths().trust().resolve("tampered-test.pub");
        try {
            Files.createDirectories(work.resolve("tree/etc"));
            Path image = work.resolve("image");
            TestImages.sealed(work.resolve("tree"), image, work.resolve("key"), "0.0.1-tampered", host.image());
            Files.createDirectories(host.paths().trust());
            Files.copy(TestImages.publicKeyFile(work.resolve("key")), trusted);
            Path initrd = image.resolve("initrd.img");
            byte[] bytes = Files.readAllBytes(initrd);
            bytes[bytes.length / 2] ^= 1; // no hash tree covers the boot parts: only their digests do
            Files.write(initrd, bytes);
            assertRefusedBeforeAnythingIsMade(host, "it-tampered", image, "initrd.img: sha256 mismatch (image corrupt or tampered)");
        } finally {
            Files.deleteIfExists(trusted);
            FileTrees.deleteRecursively(work);
        }
    }

    /**
     * The host's disk fills in the middle of a deploy (here while root slot A is written: the instance's home is a
     * 128 MiB disk and the root alone is larger): one line that says so, and nothing left behind.
     */
    @Test
    void aHostDiskThatFillsDuringTheDeployFailsInOneLineAndLeavesNothing(TestHost host) throws Exception {
        Path home = Files.createTempDirectory("eflow-full-home");
        Exec.of("mount", "-t", "tmpfs", "-o", "size=128m", "tmpfs", home.toString()).check();
        try {
            EflowPaths paths = new EflowPaths(home, home.resolve("run"), home.resolve("log"), host.paths().cache(),
                    host.paths().releaseKey(), host.paths().trust());
            String name = "it-full";
            try (InstanceManager manager = new InstanceManager(paths)) {
                DeployRequest request = new DeployRequest(name, 1, 1024, 2, "small", backend, null, null, null,
                        host.image().dir().toString());
                assertThatThrownBy(() -> manager.deploy(request, line -> { }))
                        .isInstanceOf(EflowException.class)
                        .hasMessageContaining("deploy failed: the disk holding " + home)
                        .hasMessageContaining("is full")
                        .satisfies(e -> assertThat(e.getMessage()).as("one line").doesNotContain("\n"));
                assertThat(manager.list()).noneMatch(i -> i.name().equals(name));
            }
            assertThat(LifecycleIT.Traces.of(paths, name).describe()).isEqualTo(LifecycleIT.Traces.none().describe());
        } finally {
            Exec.of("umount", home.toString()).check();
            Files.delete(home);
        }
    }

    /** A validly sealed image of an almost empty tree, signed with the key in {@code keyDir}. */
    private static Path smallImage(Path work, Path keyDir, String version) throws Exception {
        Path tree = work.resolve("tree");
        Files.createDirectories(tree.resolve("etc"));
        TestImages.sealed(tree, work.resolve("image"), keyDir, version);
        return work.resolve("image");
    }

    private void assertRefusedBeforeAnythingIsMade(TestHost host, String name, Path image, String why) {
        DeployRequest request = new DeployRequest(name, 1, 1024, 2, "small", backend, null, null, null, image.toString());
        assertThatThrownBy(() -> host.manager().deploy(request, line -> { }))
                .isInstanceOf(EflowException.class)
                .hasMessageContaining(why);
        assertThat(LifecycleIT.Traces.of(host, name).describe()).isEqualTo(LifecycleIT.Traces.none().describe());
        assertThat(host.manager().list()).noneMatch(i -> i.name().equals(name));
    }
}
