package io.eflow.platform;

import java.io.Closeable;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A file that is replaced whole or not at all: written under {@code .<name>.tmp} beside the target, forced to disk,
 * then renamed over it and the folder synced. Closing without {@link #commit()} deletes the temporary file, so a
 * failure leaves the target as it was. A killed process may leave the temporary file; the next writer deletes it.
 */
public final class AtomicFile implements Closeable {
    private final Path target;
    private final Path temp;
    private final RandomAccessFile file;
    private boolean committed;

    private AtomicFile(Path target, Path temp, RandomAccessFile file) {
        this.target = target;
        this.temp = temp;
        this.file = file;
    }

    public static AtomicFile create(Path target) throws IOException {
        Path temp = tempOf(target);
        Files.deleteIfExists(temp);
        return new AtomicFile(target, temp, new RandomAccessFile(temp.toFile(), "rw"));
    }

    /** Where the content is written until {@link #commit()}. */
    public static Path tempOf(Path target) {
        return target.resolveSibling("." + target.getFileName() + ".tmp");
    }

    public Path target() {
        return target;
    }

    public FileChannel channel() {
        return file.getChannel();
    }

    /** Extending with setLength (ftruncate) leaves a hole: a sparse file costs only what was written. */
    public void setLength(long length) throws IOException {
        file.setLength(length);
    }

    /** Copies exactly {@code count} bytes from {@code in}'s position to {@code position}; fewer is an error. */
    public void transferFrom(ReadableByteChannel in, long position, long count) throws IOException {
        long done = 0;
        while (done < count) {
            long n = channel().transferFrom(in, position + done, count - done);
            if (n <= 0) {
                throw new IOException("short copy into " + target.getFileName() + ": " + done + " of " + count + " bytes");
            }
            done += n;
        }
    }

    /** Content on disk, then the rename, then the folder: after a power cut the target is old or new, never partial. */
    public void commit() throws IOException {
        channel().force(true);
        file.close();
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        committed = true;
        syncDirectory(target.toAbsolutePath().getParent());
    }

    @Override
    public void close() {
        if (committed) {
            return;
        }
        try {
            file.close();
        } catch (IOException ignored) {
            // the file is deleted next; nothing in it matters
        }
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // leftover temp file: the next writer deletes it first
        }
    }

    public static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UncheckedIOException e) {
            // Best effort: not every filesystem lets a directory be synced; the file itself is on disk.
        }
    }
}
