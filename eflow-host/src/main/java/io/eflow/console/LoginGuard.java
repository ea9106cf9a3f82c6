package io.eflow.console;

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

    LoginGuard(Clock clock, ConsoleAudit audit) {
        this.clock = clock;
        this.audit = audit;
    }

    /** When the account is locked, until when; null when it may try. */
    synchronized Instant lockedUntil(String user) {
        Instant until = lockedUntil.get(user);
        if (until != null && !clock.instant().isBefore(until)) {
            lockedUntil.remove(user);
            return null;
        }
        return until;
    }

    synchronized void failed(String user, String from) {
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
        failures.remove(user);
    }
}
