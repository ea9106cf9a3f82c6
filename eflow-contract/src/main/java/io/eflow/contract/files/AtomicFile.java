package io.eflow.contract.files;

import java.io.Closeable;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * A file that is replaced whole or not at all: written under {@code .<name>.tmp} beside the target, forced to disk,
 * then renamed over it and the folder synced. Closing without {@link #commit()} deletes the temporary file, so a
 * failure leaves the target as it was. A killed process may leave the temporary file; the next writer deletes it.
 */
public final class AtomicFile implements Closeable {
    public static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    public static final Set<PosixFilePermission> READABLE = PosixFilePermissions.fromString("rw-r--r--");

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

    /**
     * Replaces {@code file} with {@code bytes}: a temporary file made with {@code mode} from the start (a key is never
     * readable by others, not even for a moment), synced, renamed over the file, and the folder synced so the rename
     * survives a power cut.
     */
    public static void write(Path file, byte[] bytes, Set<PosixFilePermission> mode) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path temporary = tempOf(file);
        // a leftover from a crash may have any mode: made afresh, the new one has ours
        Files.deleteIfExists(temporary);
        try (FileChannel out = FileChannel.open(temporary, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(mode))) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            out.force(true);
        }
        // the umask may have taken bits off a readable file's mode
        Files.setPosixFilePermissions(temporary, mode);
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(file.toAbsolutePath().getParent());
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
