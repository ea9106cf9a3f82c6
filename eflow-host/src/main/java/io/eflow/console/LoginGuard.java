package io.eflow.console;

import io.eflow.platform.EflowException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Slows password guessing: the sixth wrong password for an account within a minute locks it for a quarter of an hour,
 * and the lock-out is audited. A locked account refuses even its right password, so a guesser cannot tell when it hit.
 * Unknown names are counted too, so probing for names locks them like real ones. Kept in memory: a daemon restart
 * unlocks, which only its root could do anyway.
 *
 * <p>A password check takes a while (Argon2), so attempts in flight count as failures until they end: guesses sent in
 * parallel cannot slip past the count before the first of them is judged.
 */
final class LoginGuard {
    static final int ALLOWED_FAILURES = 5;
    static final Duration WINDOW = Duration.ofMinutes(1);
    static final Duration LOCK = Duration.ofMinutes(15);
    /** Bounds memory under a spray of made-up names. */
    private static final int MAX_TRACKED = 10_000;

    private final Clock clock;
    private final ConsoleAudit audit;
    private final Map<String, Deque<Instant>> failures = new HashMap<>();
    private final Map<String, Instant> lockedUntil = new HashMap<>();
    private final Map<String, Integer> inFlight = new HashMap<>();

    LoginGuard(Clock clock, ConsoleAudit audit) {
        this.clock = clock;
        this.audit = audit;
    }

    /**
     * Starts an attempt, which then counts until {@link #failed} or {@link #succeeded} ends it. Refused (429) while the
     * account is locked, or while the attempts in flight could already be the ones that lock it.
     */
    synchronized void begin(String user, String from) {
        Instant until = lockedUntil(user);
        if (until != null) {
            audit.record("login of locked user " + user + " refused, from " + from);
            throw new EflowException(429, "user " + user + " is locked out after repeated wrong passwords, until " + until);
        }
        Instant now = clock.instant();
        Deque<Instant> recent = failures.get(user);
        long counted = recent == null ? 0 : recent.stream().filter(at -> !at.isBefore(now.minus(WINDOW))).count();
        if (counted + inFlight.getOrDefault(user, 0) > ALLOWED_FAILURES) {
            audit.record("login of user " + user + " refused, from " + from + ": too many attempts at once");
            throw new EflowException(429, "too many logins of user " + user + " at once; try again in a moment");
        }
        inFlight.merge(user, 1, Integer::sum);
    }

    private Instant lockedUntil(String user) {
        Instant until = lockedUntil.get(user);
        if (until != null && !clock.instant().isBefore(until)) {
            lockedUntil.remove(user);
            return null;
        }
        return until;
    }

    synchronized void failed(String user, String from) {
        ended(user);
        Instant now = clock.instant();
        if (failures.size() >= MAX_TRACKED && !failures.containsKey(user)) {
            failures.clear();
        }
        lockedUntil.values().removeIf(until -> !now.isBefore(until));
        Deque<Instant> recent = failures.computeIfAbsent(user, key -> new ArrayDeque<>());
        while (!recent.isEmpty() && recent.peekFirst().isBefore(now.minus(WINDOW))) {
            recent.removeFirst();
        }
        recent.addLast(now);
        audit.record("wrong password for user " + user + " from " + from);
        if (recent.size() > ALLOWED_FAILURES) {
            lockedUntil.put(user, now.plus(LOCK));
            recent.clear();
            audit.record("user " + user + " locked out until " + now.plus(LOCK) + ": " + (ALLOWED_FAILURES + 1)
                    + " wrong passwords within " + WINDOW.toSeconds() + " s, the last from " + from);
        }
    }

    synchronized void succeeded(String user) {
        ended(user);
        failures.remove(user);
    }

    /**
     * Lifts a lock-out: a new password was set (on the host, by root, or by an admin). Someone who keeps locking an
     * account from outside cannot keep its owner out for good.
     */
    synchronized void clear(String user) {
        lockedUntil.remove(user);
        failures.remove(user);
    }

    /** An attempt ended without a verdict (the check itself failed): it no longer counts as in flight. */
    synchronized void ended(String user) {
        inFlight.computeIfPresent(user, (key, count) -> count > 1 ? count - 1 : null);
    }
}
