package io.eflow.boot;

import io.eflow.platform.EflowException;
import io.eflow.platform.Exec;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Grows a stopped guest's ext4 disk image (/var or /logs) to the size its configuration asks for: the sparse file
 * first, then the file system, checked before as resize2fs requires. Nothing is done when the file system already has
 * the size, so a start after a grow that was cut off half-way (file longer, file system not) finishes it.
 */
public final class DiskGrowth {
    private static final int SUPERBLOCK_OFFSET = 1024;
    private static final int EXT4_MAGIC = 0xEF53;
    private static final int FEATURE_INCOMPAT_64BIT = 0x80;

    private DiskGrowth() {
    }

    /** Grows {@code image} to {@code bytes} when its file system is smaller; never shrinks. */
    public static void growTo(Path image, long bytes, String what, Consumer<String> progress) {
        long current = fileSystemBytes(image);
        if (current >= bytes) {
            return;
        }
        progress.accept("growing " + what + " from " + gigabytes(current) + " to " + gigabytes(bytes));
        GuestDisks.sparse(image, Math.max(bytes, fileLength(image)));
        // e2fsck exits 1 after fixing something, which still lets resize2fs run; 4 and above mean it could not
        Exec.Result check = Exec.of("e2fsck", "-f", "-p", image.toString()).run();
        if (check.exitCode() > 1) {
            throw EflowException.failure("cannot grow " + what + ": its file system check failed: " + check.describeFailure(), null);
        }
        Exec.of("resize2fs", image.toString()).check();
    }

    /** The size the ext4 file system in {@code image} spans, from its superblock (blocks × block size). */
    public static long fileSystemBytes(Path image) {
        ByteBuffer superblock = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel channel = FileChannel.open(image, StandardOpenOption.READ)) {
            while (superblock.hasRemaining() && channel.read(superblock, SUPERBLOCK_OFFSET + superblock.position()) > 0) {
                // read until full or end of file
            }
        } catch (IOException e) {
            throw EflowException.failure("cannot read the disk image " + image + ": " + e.getMessage(), e);
        }
        if (superblock.hasRemaining() || (superblock.getShort(0x38) & 0xffff) != EXT4_MAGIC) {
            throw EflowException.failure("the disk image " + image + " holds no ext4 file system", null);
        }
        long blocks = superblock.getInt(0x04) & 0xffffffffL;
        if ((superblock.getInt(0x60) & FEATURE_INCOMPAT_64BIT) != 0) {
            blocks |= (superblock.getInt(0x150) & 0xffffffffL) << 32;
        }
        return blocks * (1024L << superblock.getInt(0x18));
    }

    private static long fileLength(Path image) {
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "r")) {
            return file.length();
        } catch (IOException e) {
            throw EflowException.failure("cannot read the disk image " + image + ": " + e.getMessage(), e);
        }
    }

    private static String gigabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f GB", bytes / (double) (1L << 30)).replace(".0 GB", " GB");
    }
}
