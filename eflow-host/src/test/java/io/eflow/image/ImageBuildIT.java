package io.eflow.image;

import io.eflow.platform.EflowPaths;
import io.eflow.platform.Exec;
import io.eflow.platform.Privileges;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Builds the real guest image (root, network on a cold cache) and looks inside it. Uses the host's image
 * cache and release key (or EFLOW_CACHE / EFLOW_RELEASE_KEY_DIR) so that it shares the one-minute Debian
 * base with real builds; instance state and trusted keys are private to the test.
 */
@EnabledOnOs(OS.LINUX)
class ImageBuildIT {
    @TempDir
    Path tmp;

    @Test
    void buildsAVerifiableCuratedImageAndServesTheSecondBuildFromTheCache() throws IOException {
        assertThat(Privileges.isRoot()).as("ImageBuildIT needs root (mmdebstrap --mode=root, mount)").isTrue();
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("EFLOW_HOME", tmp.resolve("home").toString());
        env.put("EFLOW_TRUST_DIR", tmp.resolve("trust").toString());
        EflowPaths paths = EflowPaths.from(env);

        List<String> progress = new CopyOnWriteArrayList<>();
        GuestImage built = ImageBuilder.build(paths, false, line -> {
            progress.add(line);
            System.out.println("[image] " + line);
        });
        assertThat(progress.get(progress.size() - 1)).isEqualTo("image ready: " + built.dir());
        assertThat(Files.readSymbolicLink(paths.images().resolve("current"))).isEqualTo(built.dir().getFileName());

        GuestImage image = ImageVerifier.verify(built.dir(), TrustStore.load(paths));
        assertThat(image.version()).startsWith(BuildInfo.load().version() + "+");
        assertThat(Exec.of("fsck.erofs", image.rootfs().toString()).run().exitCode()).isZero();
        assertThat(veritysetup(image).exitCode()).as("veritysetup verify of the image").isZero();
        // qemu boot parts: an uncompressed x86-64 ELF kernel and a gzip initramfs, both signed parts.
        assertThat(image.hasBootParts()).isTrue();
        byte[] elf = Files.readAllBytes(image.vmlinux());
        assertThat(elf).startsWith(0x7F, 'E', 'L', 'F', 2);
        assertThat(Files.readAllBytes(image.initrd())).startsWith(0x1F, 0x8B);

        Path mnt = Files.createDirectories(tmp.resolve("mnt"));
        Exec.of("mount", "-o", "loop,ro", image.rootfs().toString(), mnt.toString()).check();
        try {
            assertCurated(mnt, image);
        } finally {
            Exec.of("umount", mnt.toString()).check();
        }

        List<String> again = new CopyOnWriteArrayList<>();
        // a second build reuses the first (how long that takes is bench/host-probes.sh's figure)
        GuestImage cached = ImageBuilder.build(paths, false, again::add);
        assertThat(again).contains("image: cached " + image.version());
        assertThat(cached.manifest()).isEqualTo(image.manifest());

        Path slot = tmp.resolve("rootfs-a.img");
        SlotInstaller.SlotLayout layout = SlotInstaller.install(image, slot);
        SlotInstaller.verifySlot(slot, image.verity());
        HexFormat hex = HexFormat.of();
        assertThat(TestFiles.veritysetupVerify(slot, slot, layout.hashOffset(), layout.dataBlocks(),
                hex.parseHex(layout.salt()), hex.parseHex(layout.rootHash())).exitCode()).isZero();
    }

    private static void assertCurated(Path root, GuestImage image) throws IOException {
        // The package manager is gone.
        for (String dir : new String[] {"usr/bin", "usr/sbin"}) {
            try (Stream<Path> files = Files.list(root.resolve(dir))) {
                assertThat(files.map(p -> p.getFileName().toString()))
                        .as("package manager binaries in /" + dir)
                        .noneMatch(n -> n.equals("apt") || n.startsWith("apt-") || n.equals("dpkg") || n.startsWith("dpkg-"));
            }
        }
        for (String gone : new String[] {"var/lib/dpkg", "var/lib/apt", "etc/apt", "usr/lib/apt",
                RootfsCustomizer.VAR_TEMPLATE + "/lib/dpkg", RootfsCustomizer.VAR_TEMPLATE + "/lib/apt"}) {
            assertThat(root.resolve(gone)).as(gone).doesNotExist();
        }
        // No baked SSH host keys; sshd itself is there.
        try (Stream<Path> ssh = Files.list(root.resolve("etc/ssh"))) {
            assertThat(ssh.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("ssh_host_"));
        }
        for (String tool : new String[] {"usr/sbin/sshd", "usr/sbin/nft", "usr/bin/crun", "usr/bin/ps", "usr/bin/socat",
                "usr/bin/sudo", "usr/bin/tpm2_getcap", "usr/bin/runsvdir", "usr/sbin/ip"}) {
            assertThat(Files.isExecutable(root.resolve(tool))).as(tool).isTrue();
        }
        try (Stream<Path> jvms = Files.list(root.resolve("usr/lib/jvm"))) {
            assertThat(jvms).anyMatch(jvm -> Files.isExecutable(jvm.resolve("bin/java")));
        }

        // iotedge-user: uid/gid 1000, locked password, passwordless sudo.
        assertThat(Files.readAllLines(root.resolve("etc/passwd")))
                .contains("iotedge-user:x:1000:1000:IoT Edge user:/home/iotedge-user:/bin/bash");
        assertThat(Files.readAllLines(root.resolve("etc/shadow"))).anyMatch(l -> l.startsWith("iotedge-user:*:"));
        Path sudoers = root.resolve("etc/sudoers.d/iotedge-user");
        assertThat(sudoers).hasContent("iotedge-user ALL=(ALL) NOPASSWD:ALL");
        assertThat(attr(sudoers, "mode") & 07777).isEqualTo(0440);
        assertThat(attr(sudoers, "uid")).isZero();
        assertThat(attr(root.resolve("home/iotedge-user"), "uid")).isEqualTo(1000);

        // The data disk goes over an empty /var, seeded from the template; every mount point exists.
        try (Stream<Path> var = Files.list(root.resolve("var"))) {
            assertThat(var).isEmpty();
        }
        assertThat(root.resolve(RootfsCustomizer.VAR_TEMPLATE + "/lib")).isDirectory();
        for (String mountPoint : RootfsCustomizer.MOUNT_POINTS) {
            assertThat(Files.isDirectory(root.resolve(mountPoint), LinkOption.NOFOLLOW_LINKS)).as(mountPoint).isTrue();
        }
        assertThat(attr(root.resolve("tmp"), "mode") & 07777).isEqualTo(01777);

        // eflow's payload and identity.
        assertThat(root.resolve("usr/lib/eflow/guest/eflow-guest.jar")).isNotEmptyFile();
        assertThat(attr(root.resolve("usr/lib/eflow/bin/eflow-release"), "mode") & 07777).isEqualTo(0755);
        assertThat(Files.readAllLines(root.resolve("etc/eflow-release")))
                .contains("VERSION=" + image.version(), "BUILD_ID=" + image.manifest().recipeHash().substring(0, 12));
        assertThat(root.resolve("etc/hostname")).hasContent("eflow");
    }

    private static Exec.Result veritysetup(GuestImage image) {
        HexFormat hex = HexFormat.of();
        return TestFiles.veritysetupVerify(image.rootfs(), image.verityTree(), 0, image.verity().dataBlocks(),
                hex.parseHex(image.verity().salt()), hex.parseHex(image.verity().rootHash()));
    }

    private static int attr(Path path, String name) throws IOException {
        return (Integer) Files.getAttribute(path, "unix:" + name, LinkOption.NOFOLLOW_LINKS);
    }
}
