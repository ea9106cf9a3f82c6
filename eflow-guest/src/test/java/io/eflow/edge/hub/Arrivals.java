package io.eflow.edge.hub;

import java.util.Arrays;
import java.util.BitSet;
import java.util.concurrent.TimeUnit;

/**
 * What a benchmark's receiver got: each message index once (QoS 1 is at least once, and a redelivered message must
 * not make a run look complete early), the time the last new one came, and each message's latency from when it was
 * due to be sent.
 */
final class Arrivals {
    private final int expected;
    private final BitSet seen;
    private final long[] latencies;
    private int count;
    private long lastNanos;

    Arrivals(int expected) {
        this.expected = expected;
        this.seen = new BitSet(expected);
        this.latencies = new long[expected];
    }

    /** Called on the client's callback thread: kept short, the PUBACK waits for it. */
    synchronized void arrived(byte[] body) {
        long now = System.nanoTime();
        int index = BenchBody.index(body);
        if (index < 0 || index >= expected || seen.get(index)) {
            return;
        }
        seen.set(index);
        latencies[count++] = now - BenchBody.sentNanos(body);
        lastNanos = now;
        if (count == expected) {
            notifyAll();
        }
    }

    /** Waits until every index arrived, and returns when the last one did. */
    synchronized long awaitAll(long timeoutSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (count < expected) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IllegalStateException("only " + count + " of " + expected + " messages arrived in "
                        + timeoutSeconds + " s");
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return lastNanos;
    }

    /** The latency below which {@code fraction} of the messages arrived (0.5 the median, 1 the maximum), in ms. */
    synchronized double percentileMillis(double fraction) {
        long[] sorted = Arrays.copyOf(latencies, count);
        Arrays.sort(sorted);
        int rank = Math.max(1, (int) Math.ceil(fraction * sorted.length));
        return sorted[rank - 1] / 1e6;
    }
}
