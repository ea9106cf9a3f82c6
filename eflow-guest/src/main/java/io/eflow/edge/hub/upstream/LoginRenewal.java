package io.eflow.edge.hub.upstream;

import java.time.Duration;
import java.time.Instant;

/**
 * When an expiring login (a SAS token) is renewed: at its renewal time by the wall clock, or once as long as it was
 * signed ahead of that time has passed on the monotonic clock, whichever comes first. A clock set back an hour then
 * cannot hold the renewal until the token has expired at IoT Hub; a clock set forward renews at once, which costs
 * only a reconnect.
 *
 * @param at            the renewal time by the wall clock
 * @param deadlineNanos the same moment on {@link System#nanoTime()}'s scale
 */
record LoginRenewal(Instant at, long deadlineNanos) {
    static LoginRenewal of(Instant at, Instant signedAt, long signedAtNanos) {
        return new LoginRenewal(at, signedAtNanos + Duration.between(signedAt, at).toNanos());
    }

    boolean due(Instant wallNow, long nanoNow) {
        return !wallNow.isBefore(at) || nanoNow - deadlineNanos >= 0;
    }
}
