package io.eflow.edge.hub;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.WRITE;

/**
 * The disk's part in the hub's latency: at a steady rate each message is a group commit of its own, so a routed
 * message waits for one write and fdatasync of its record before it is delivered. This times exactly that, on the
 * store's disk, at the same rate, with nothing else in the way.
 */
final class SyncLatency {
    /** What message-store.sh writes for a 256-byte body (header, one route); the hub's adds the message's properties. */
    private static final int RECORD_BYTES = 302;

    private SyncLatency() {
    }

    /** Writes and syncs one record every {@code 1/rate} s, {@code count} times; returns p50, p99 and max in ms. */
    static double[] measure(Path file, int rate, int count) throws IOException {
        long[] nanos = new long[count];
        ByteBuffer record = ByteBuffer.allocateDirect(RECORD_BYTES);
        long interval = TimeUnit.SECONDS.toNanos(1) / rate;
        try (FileChannel channel = FileChannel.open(file, CREATE_NEW, WRITE)) {
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                long due = start + i * interval;
                for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                    LockSupport.parkNanos(wait);
                }
                long t0 = System.nanoTime();
                record.clear();
                while (record.hasRemaining()) {
                    channel.write(record);
                }
                channel.force(false);
                nanos[i] = System.nanoTime() - t0;
            }
        } finally {
            Files.deleteIfExists(file);
        }
        Arrays.sort(nanos);
        return new double[] {nanos[(count + 1) / 2 - 1] / 1e6, nanos[(int) Math.ceil(0.99 * count) - 1] / 1e6,
                nanos[count - 1] / 1e6};
    }
}
