package io.eflow.image;

import io.eflow.platform.Exec;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Random;

/** Small real inputs for the image tests: seeded random data, byte flips, veritysetup runs. */
final class TestFiles {
    private TestFiles() {
    }

    static Path randomFile(Path file, long blocks, long seed) throws IOException {
        Random random = new Random(seed);
        byte[] block = new byte[VerityHashTree.BLOCK_SIZE];
        try (var out = Files.newOutputStream(file)) {
            for (long i = 0; i < blocks; i++) {
                random.nextBytes(block);
                out.write(block);
            }
        }
        return file;
    }

    static void flipByte(Path file, long offset) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(offset);
            int b = raf.read();
            raf.seek(offset);
            raf.write(b ^ 0x01);
        }
    }

    static byte[] salt(long seed) {
        byte[] salt = new byte[VerityHashTree.SALT_SIZE];
        new Random(seed).nextBytes(salt);
        return salt;
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    /** The real veritysetup (cryptsetup-bin) checking a tree in userspace: exit 0 means it accepts it. */
    static Exec.Result veritysetupVerify(Path data, Path hash, long hashOffset, long dataBlocks, byte[] salt, byte[] root) {
        return Exec.of("veritysetup", "verify", "--no-superblock", "--hash-offset=" + hashOffset,
                "--data-blocks=" + dataBlocks, "--salt=" + hex(salt), data.toString(), hash.toString(), hex(root)).run();
    }

    /** A small image sealed exactly as the builder seals one, over random "filesystem" bytes. */
    static GuestImage sealedImage(Path dir, long blocks, ReleaseKeys keys) throws IOException {
        Files.createDirectories(dir);
        randomFile(dir.resolve(GuestImage.ROOTFS), blocks, 42);
        ImageIdentity identity = new ImageIdentity("0.1.0+0123abcd", "amd64", "2025-01-01T00:00:00Z", "ab".repeat(32));
        return ImageSealer.seal(dir, identity, salt(7), keys, line -> { });
    }
}
