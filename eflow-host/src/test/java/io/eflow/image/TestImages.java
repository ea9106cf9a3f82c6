package io.eflow.image;

import io.eflow.platform.Exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Small, real, signed images for tests in other packages: an erofs tree of the test's choosing, sealed like a build. */
public final class TestImages {
    private TestImages() {
    }

    /**
     * Packs {@code tree} as erofs into {@code imageDir} and seals it with the release key in {@code keyDir} (created
     * if missing). The result verifies against a trust store holding that key.
     */
    public static GuestImage sealed(Path tree, Path imageDir, Path keyDir, String version) throws IOException {
        return sealed(tree, imageDir, keyDir, version, null);
    }

    /** As above, with {@code bootFrom}'s kernel and initramfs as boot parts (null for none), so the qemu backend can boot it. */
    public static GuestImage sealed(Path tree, Path imageDir, Path keyDir, String version, GuestImage bootFrom) throws IOException {
        Files.createDirectories(imageDir);
        Exec.of("mkfs.erofs", "-T", "0", imageDir.resolve(GuestImage.ROOTFS).toString(), tree.toString()).check();
        List<String> bootParts = List.of();
        if (bootFrom != null) {
            Files.copy(bootFrom.vmlinux(), imageDir.resolve(GuestImage.VMLINUX));
            Files.copy(bootFrom.initrd(), imageDir.resolve(GuestImage.INITRD));
            bootParts = List.of(GuestImage.VMLINUX, GuestImage.INITRD);
        }
        ReleaseKeys keys = ReleaseKeys.loadOrCreate(keyDir);
        byte[] salt = new byte[32];
        return ImageSealer.seal(imageDir, new ImageIdentity(version, BaseRecipe.hostArch(), "2025-01-01T00:00:00Z",
                "0".repeat(64)), salt, keys, bootParts, line -> { });
    }

    /**
     * A small image of seeded random bytes (not a filesystem; nothing mounts it), sealed exactly like a build, with
     * random stand-ins for the kernel and initramfs when {@code bootParts}: enough for slots and update bundles.
     */
    public static GuestImage random(Path imageDir, ReleaseKeys keys, String version, String arch, boolean bootParts) throws IOException {
        Files.createDirectories(imageDir);
        TestFiles.randomFile(imageDir.resolve(GuestImage.ROOTFS), 300, 42);
        List<String> bootPartNames = List.of();
        if (bootParts) {
            TestFiles.randomFile(imageDir.resolve(GuestImage.VMLINUX), 3, 43);
            TestFiles.randomFile(imageDir.resolve(GuestImage.INITRD), 2, 44);
            bootPartNames = List.of(GuestImage.VMLINUX, GuestImage.INITRD);
        }
        return ImageSealer.seal(imageDir, new ImageIdentity(version, arch, "2025-01-01T00:00:00Z", "ab".repeat(32)),
                TestFiles.salt(7), keys, bootPartNames, line -> { });
    }

    /**
     * As {@link #random}, with the sizes in 4 KiB blocks given: what a benchmark needs to stand in for a real image
     * (kernel and initramfs blocks 0 for an image without boot parts).
     */
    public static GuestImage random(Path imageDir, ReleaseKeys keys, String version, long rootfsBlocks, long vmlinuxBlocks,
                                    long initrdBlocks) throws IOException {
        Files.createDirectories(imageDir);
        TestFiles.randomFile(imageDir.resolve(GuestImage.ROOTFS), rootfsBlocks, 42);
        List<String> bootPartNames = List.of();
        if (vmlinuxBlocks > 0 && initrdBlocks > 0) {
            TestFiles.randomFile(imageDir.resolve(GuestImage.VMLINUX), vmlinuxBlocks, 43);
            TestFiles.randomFile(imageDir.resolve(GuestImage.INITRD), initrdBlocks, 44);
            bootPartNames = List.of(GuestImage.VMLINUX, GuestImage.INITRD);
        }
        return ImageSealer.seal(imageDir, new ImageIdentity(version, BaseRecipe.hostArch(), "2025-01-01T00:00:00Z", "ab".repeat(32)),
                TestFiles.salt(7), keys, bootPartNames, line -> { });
    }

    /** Flips one bit of the byte at {@code offset}: the smallest tampering. */
    public static void flipByte(Path file, long offset) throws IOException {
        TestFiles.flipByte(file, offset);
    }

    /** The public half of {@link #sealed}'s key, for a trust folder. */
    public static Path publicKeyFile(Path keyDir) {
        return keyDir.resolve(ReleaseKeys.PUBLIC_FILE);
    }
}
