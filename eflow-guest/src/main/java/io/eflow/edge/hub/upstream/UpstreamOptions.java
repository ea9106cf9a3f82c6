package io.eflow.edge.hub.upstream;

import java.time.Duration;
import java.util.Objects;

/**
 * How the upstream link paces itself. {@link #defaults()} suits IoT Hub; tests shorten the back-off.
 *
 * @param window         publishes awaiting their PUBACK at once: enough to keep a long link busy while a backlog
 *                       drains, without a sync or a round trip per message (on loopback to mosquitto, 200 drained a
 *                       backlog about a third faster than 100, and larger windows no faster)
 * @param initialBackoff the wait before reconnecting after a loss; doubled after each failed attempt
 * @param maxBackoff     the longest wait between attempts
 * @param ackTimeout     a publish left without its PUBACK this long means the link is dead even if TCP has not
 *                       said so: it is dropped and its messages resent. Keep it below the store's redelivery
 *                       timeout, or the store hands the same messages out again while they are still in flight.
 * @param keepAlive      MQTT keep-alive: how soon a silent broken connection is noticed when nothing is in flight
 * @param connectTimeout how long a connect (TCP, TLS and CONNACK) may take
 */
public record UpstreamOptions(int window, Duration initialBackoff, Duration maxBackoff, Duration ackTimeout,
                              Duration keepAlive, Duration connectTimeout) {
    public UpstreamOptions {
        if (window < 1 || window > 65_000) {
            throw new IllegalArgumentException("window must be 1 to 65000 publishes (MQTT packet ids): " + window);
        }
        for (Duration d : new Duration[] {initialBackoff, maxBackoff, ackTimeout, keepAlive, connectTimeout}) {
            if (Objects.requireNonNull(d, "durations").isNegative() || d.isZero()) {
                throw new IllegalArgumentException("durations must be positive: " + d);
            }
        }
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("maxBackoff " + maxBackoff + " is below initialBackoff " + initialBackoff);
        }
        if (keepAlive.toSeconds() < 1 || connectTimeout.toSeconds() < 1) {
            throw new IllegalArgumentException("keepAlive and connectTimeout are whole seconds in MQTT: at least 1 s");
        }
    }

    /** 200 in flight, back-off 1 s doubling to 30 s, 20 s for a PUBACK, 60 s keep-alive, 10 s to connect. */
    public static UpstreamOptions defaults() {
        return new UpstreamOptions(200, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(20),
                Duration.ofSeconds(60), Duration.ofSeconds(10));
    }

    public UpstreamOptions withWindow(int window) {
        return new UpstreamOptions(window, initialBackoff, maxBackoff, ackTimeout, keepAlive, connectTimeout);
    }

    public UpstreamOptions withBackoff(Duration initial, Duration max) {
        return new UpstreamOptions(window, initial, max, ackTimeout, keepAlive, connectTimeout);
    }

    public UpstreamOptions withAckTimeout(Duration ackTimeout) {
        return new UpstreamOptions(window, initialBackoff, maxBackoff, ackTimeout, keepAlive, connectTimeout);
    }
}
