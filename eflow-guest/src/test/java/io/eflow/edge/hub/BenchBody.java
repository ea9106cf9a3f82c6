package io.eflow.edge.hub;

import java.nio.ByteBuffer;

/**
 * The benchmark's 256-byte message body: its index in the run (so a duplicate is not counted twice) and the
 * {@link System#nanoTime()} it was due to be sent (so the receiver, in the same JVM, reads its latency off it).
 */
final class BenchBody {
    static final int BYTES = 256;

    private BenchBody() {
    }

    static byte[] of(int index, long sentNanos) {
        return ByteBuffer.allocate(BYTES).putInt(index).putLong(sentNanos).array();
    }

    static int index(byte[] body) {
        return ByteBuffer.wrap(body).getInt(0);
    }

    static long sentNanos(byte[] body) {
        return ByteBuffer.wrap(body).getLong(Integer.BYTES);
    }
}
