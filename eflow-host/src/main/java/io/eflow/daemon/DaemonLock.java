package io.eflow.daemon;

import io.eflow.platform.EflowException;
import io.eflow.platform.Pause;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * One eflowd per runtime folder. Probing the socket alone races when two CLIs start a daemon at once
 * (both see no answer, the second deletes the first's fresh socket); an exclusive lock held for the daemon's
 * life does not. The kernel drops the lock when the process dies, so a crash never leaves it stuck.
 * The file keeps the holder's pid for the error message and is never deleted (deleting a lock file races too).
 */
final class DaemonLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private DaemonLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock, waiting up to {@code wait} while another process holds it: a daemon that was told to stop holds it
     * until it is gone, and the next one (started by a CLI meanwhile) takes over then instead of failing.
     */
    static DaemonLock acquire(Path file, Duration wait) {
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            long deadline = System.nanoTime() + wait.toNanos();
            FileLock lock = tryLock(channel);
            while (lock == null && System.nanoTime() < deadline) {
                Pause.millis(25);
                lock = tryLock(channel);
            }
            if (lock == null) {
                String holder = Files.readString(file, StandardCharsets.US_ASCII).strip();
                channel.close();
                throw EflowException.conflict("another eflowd" + (holder.isEmpty() ? "" : " (pid " + holder + ")")
                        + " is running or starting: stop it first");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            channel.force(false);
            return new DaemonLock(channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw EflowException.failure("cannot lock " + file + ": " + e.getMessage(), e);
        }
    }

    /** Null when another process holds it; a holder in this same JVM (tests) shows up as an exception instead. */
    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel below releases it anyway
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing left to release
            }
        }
    }
}
