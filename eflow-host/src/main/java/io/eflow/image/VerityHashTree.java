package io.eflow.image;

import io.eflow.platform.EflowException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;

/**
 * The dm-verity hash tree exactly as {@code veritysetup format --no-superblock} writes it: hash type 1,
 * sha256, 4096-byte data and hash blocks, every digest {@code sha256(salt || block)}, each hash block
 * zero-padded, the levels stored top (root-most) first and leaf last, and the root hash taken over the
 * single top block. Computing it in Java means no device-mapper is needed on the build host and the
 * namespace backend can check a slot without the kernel.
 */
public final class VerityHashTree {
    public static final int BLOCK_SIZE = 4096;
    public static final int DIGEST_SIZE = 32;
    public static final int HASHES_PER_BLOCK = BLOCK_SIZE / DIGEST_SIZE;
    public static final int SALT_SIZE = 32;
    /** Data blocks hashed per parallel task: 4 MiB reads keep both cores busy without a big buffer. */
    private static final int CHUNK_BLOCKS = 1024;

    private VerityHashTree() {
    }

    /**
     * Where each level sits in the hash area, in hash blocks from its start. Level 0 is the leaf level
     * (digests of data blocks); the last level has exactly one block. One data block has no levels at
     * all: its digest is the root hash.
     */
    public record Layout(long dataBlocks, List<Level> levels) {
        public Layout {
            levels = List.copyOf(levels);
        }

        public long hashBlocks() {
            return levels.stream().mapToLong(Level::blocks).sum();
        }

        public long hashBytes() {
            return hashBlocks() * BLOCK_SIZE;
        }

        public Level top() {
            return levels.get(levels.size() - 1);
        }
    }

    public record Level(int index, long offsetBlocks, long blocks) {
    }

    /** The tree and its root for one data area. */
    public record Tree(Layout layout, byte[] hashArea, byte[] rootHash) {
    }

    /** The same level arithmetic as cryptsetup's: as many levels as it takes to reach one block. */
    public static Layout layout(long dataBlocks) {
        if (dataBlocks < 1) {
            throw new IllegalArgumentException("a verity data area needs at least one block");
        }
        int bits = Integer.numberOfTrailingZeros(HASHES_PER_BLOCK);
        int count = 0;
        while (bits * count < 64 && ((dataBlocks - 1) >>> (bits * count)) != 0) {
            count++;
        }
        long[] sizes = new long[count];
        for (int i = 0; i < count; i++) {
            int shift = (i + 1) * bits;
            sizes[i] = shift >= 63 ? 1 : (dataBlocks + (1L << shift) - 1) >>> shift;
        }
        // Top level first on disk: offsets grow from the top level down to the leaves.
        List<Level> levels = new ArrayList<>();
        long[] offsets = new long[count];
        long position = 0;
        for (int i = count - 1; i >= 0; i--) {
            offsets[i] = position;
            position += sizes[i];
        }
        for (int i = 0; i < count; i++) {
            levels.add(new Level(i, offsets[i], sizes[i]));
        }
        return new Layout(dataBlocks, levels);
    }

    /** Builds the tree over a whole file whose size is a multiple of the block size. */
    public static Tree compute(Path dataFile, byte[] salt) {
        try (FileChannel data = FileChannel.open(dataFile, StandardOpenOption.READ)) {
            long size = data.size();
            if (size == 0 || size % BLOCK_SIZE != 0) {
                throw EflowException.failure(dataFile.getFileName() + ": size " + size
                        + " is not a positive multiple of " + BLOCK_SIZE + " bytes", null);
            }
            return compute(data, 0, size / BLOCK_SIZE, salt);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dataFile, e);
        }
    }

    /** Builds the tree over {@code dataBlocks} blocks starting at {@code dataOffset} of a channel. */
    public static Tree compute(FileChannel data, long dataOffset, long dataBlocks, byte[] salt) {
        checkSalt(salt);
        Layout layout = layout(dataBlocks);
        if (layout.hashBytes() > Integer.MAX_VALUE - 8) {
            throw EflowException.failure("verity data area of " + dataBlocks + " blocks is too large", null);
        }
        byte[] area = new byte[(int) layout.hashBytes()];
        if (layout.levels().isEmpty()) {
            byte[] block = new byte[BLOCK_SIZE];
            readFully(data, ByteBuffer.wrap(block), dataOffset);
            return new Tree(layout, area, digest(salt, block, 0, BLOCK_SIZE));
        }
        hashData(data, dataOffset, dataBlocks, salt, area, (int) (layout.levels().get(0).offsetBlocks() * BLOCK_SIZE));
        for (int i = 1; i < layout.levels().size(); i++) {
            Level below = layout.levels().get(i - 1);
            Level level = layout.levels().get(i);
            for (long b = 0; b < below.blocks(); b++) {
                int from = (int) ((below.offsetBlocks() + b) * BLOCK_SIZE);
                byte[] d = digest(salt, area, from, BLOCK_SIZE);
                System.arraycopy(d, 0, area, (int) (level.offsetBlocks() * BLOCK_SIZE + b * DIGEST_SIZE), DIGEST_SIZE);
            }
        }
        int top = (int) (layout.top().offsetBlocks() * BLOCK_SIZE);
        return new Tree(layout, area, digest(salt, area, top, BLOCK_SIZE));
    }

    /** The root hash implied by a stored top block (the first block of the hash area). */
    public static byte[] rootFromTopBlock(byte[] topBlock, byte[] salt) {
        if (topBlock.length != BLOCK_SIZE) {
            throw new IllegalArgumentException("a hash block has " + BLOCK_SIZE + " bytes");
        }
        return digest(salt, topBlock, 0, BLOCK_SIZE);
    }

    /**
     * Re-checks a stored tree against a trusted root hash the way dm-verity would, but for every block:
     * the top block against the root, each hash block against its parent, each data block against its
     * leaf digest, and the unused tail of every hash block for zeros (veritysetup checks that too).
     * Throws with the first place that does not match.
     */
    public static void verify(FileChannel data, long dataOffset, FileChannel hash, long hashOffset,
                              long dataBlocks, byte[] salt, byte[] rootHash) {
        checkSalt(salt);
        Layout layout = layout(dataBlocks);
        byte[] area = new byte[(int) layout.hashBytes()];
        readFully(hash, ByteBuffer.wrap(area), hashOffset);
        if (layout.levels().isEmpty()) {
            byte[] block = new byte[BLOCK_SIZE];
            readFully(data, ByteBuffer.wrap(block), dataOffset);
            if (!MessageDigest.isEqual(digest(salt, block, 0, BLOCK_SIZE), rootHash)) {
                throw mismatch("data block 0 does not match the root hash");
            }
            return;
        }
        int top = (int) (layout.top().offsetBlocks() * BLOCK_SIZE);
        if (!MessageDigest.isEqual(digest(salt, area, top, BLOCK_SIZE), rootHash)) {
            throw mismatch("the hash tree's top block does not match the root hash");
        }
        for (int i = layout.levels().size() - 1; i >= 0; i--) {
            Level level = layout.levels().get(i);
            long entries = i == 0 ? dataBlocks : layout.levels().get(i - 1).blocks();
            checkPadding(area, level, entries);
            if (i > 0) {
                Level below = layout.levels().get(i - 1);
                for (long b = 0; b < below.blocks(); b++) {
                    byte[] d = digest(salt, area, (int) ((below.offsetBlocks() + b) * BLOCK_SIZE), BLOCK_SIZE);
                    if (!Arrays.equals(d, 0, DIGEST_SIZE, area, entryOffset(level, b), entryOffset(level, b) + DIGEST_SIZE)) {
                        throw mismatch("hash block " + b + " of level " + (i - 1) + " does not match its parent");
                    }
                }
            }
        }
        byte[] leaves = new byte[(int) (dataBlocks * DIGEST_SIZE)];
        hashDataInto(data, dataOffset, dataBlocks, salt, leaves);
        Level leaf = layout.levels().get(0);
        for (long b = 0; b < dataBlocks; b++) {
            int stored = entryOffset(leaf, b);
            if (!Arrays.equals(leaves, (int) (b * DIGEST_SIZE), (int) ((b + 1) * DIGEST_SIZE), area, stored, stored + DIGEST_SIZE)) {
                throw mismatch("data block " + b + " does not match the hash tree");
            }
        }
    }

    private static int entryOffset(Level level, long entry) {
        return (int) (level.offsetBlocks() * BLOCK_SIZE + entry * DIGEST_SIZE);
    }

    private static void checkPadding(byte[] area, Level level, long entries) {
        int from = entryOffset(level, entries);
        int to = (int) ((level.offsetBlocks() + level.blocks()) * BLOCK_SIZE);
        for (int p = from; p < to; p++) {
            if (area[p] != 0) {
                throw mismatch("the unused tail of level " + level.index() + " is not zero");
            }
        }
    }

    private static EflowException mismatch(String what) {
        return EflowException.failure(what, null);
    }

    /** Leaf digests written straight into their place in the hash area (which is leaf-padded already). */
    private static void hashData(FileChannel data, long dataOffset, long dataBlocks, byte[] salt, byte[] area, int leafStart) {
        byte[] leaves = new byte[(int) (dataBlocks * DIGEST_SIZE)];
        hashDataInto(data, dataOffset, dataBlocks, salt, leaves);
        System.arraycopy(leaves, 0, area, leafStart, leaves.length);
    }

    /** The leaf level is nearly all the work: hash disjoint chunks in parallel with positional reads. */
    private static void hashDataInto(FileChannel data, long dataOffset, long dataBlocks, byte[] salt, byte[] leaves) {
        long chunks = (dataBlocks + CHUNK_BLOCKS - 1) / CHUNK_BLOCKS;
        LongStream.range(0, chunks).parallel().forEach(chunk -> {
            long first = chunk * CHUNK_BLOCKS;
            int count = (int) Math.min(CHUNK_BLOCKS, dataBlocks - first);
            ByteBuffer buffer = ByteBuffer.allocate(count * BLOCK_SIZE);
            readFully(data, buffer, dataOffset + first * BLOCK_SIZE);
            MessageDigest sha = sha256();
            byte[] bytes = buffer.array();
            for (int b = 0; b < count; b++) {
                sha.update(salt);
                sha.update(bytes, b * BLOCK_SIZE, BLOCK_SIZE);
                byte[] d = sha.digest();
                System.arraycopy(d, 0, leaves, (int) ((first + b) * DIGEST_SIZE), DIGEST_SIZE);
            }
        });
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) {
        try {
            long at = position;
            while (buffer.hasRemaining()) {
                int n = channel.read(buffer, at);
                if (n < 0) {
                    throw EflowException.failure("unexpected end of file at byte " + at + " (truncated image or slot)", null);
                }
                at += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] digest(byte[] salt, byte[] bytes, int offset, int length) {
        MessageDigest sha = sha256();
        sha.update(salt);
        sha.update(bytes, offset, length);
        return sha.digest();
    }

    private static void checkSalt(byte[] salt) {
        if (salt == null || salt.length == 0 || salt.length > 256) {
            throw new IllegalArgumentException("a verity salt has 1 to 256 bytes");
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }
}
