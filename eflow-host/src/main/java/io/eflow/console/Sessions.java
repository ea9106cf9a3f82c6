package io.eflow.console;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Browser sessions, in memory: a daemon restart logs everyone out. A session ends at logout, after {@code idle} without
 * a request, or {@code absolute} after login however busy; each carries its own CSRF token, which every state-changing
 * call must repeat in a header that another site's page cannot set.
 */
final class Sessions {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Clock clock;
    private final Duration idle;
    private final Duration absolute;
    private final Map<String, Session> live = new ConcurrentHashMap<>();

    record Session(String id, String user, String csrf, Instant created, Instant lastSeen) {
    }

    Sessions(Clock clock, Duration idle, Duration absolute) {
        this.clock = clock;
        this.idle = idle;
        this.absolute = absolute;
    }

    Session open(String user) {
        Instant now = clock.instant();
        live.values().removeIf(old -> expired(old, now)); // sessions nobody closed go when someone logs in
        Session session = new Session(random(), user, random(), now, now);
        live.put(session.id(), session);
        return session;
    }

    /** The live session with this id, its idle time restarted; empty when unknown, ended or expired. */
    Optional<Session> touch(String id) {
        if (id == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Session session = live.computeIfPresent(id, (key, old) -> expired(old, now) ? null
                : new Session(old.id(), old.user(), old.csrf(), old.created(), now));
        return Optional.ofNullable(session);
    }

    /** Whether the session is still live, without counting this as a request. */
    boolean alive(String id) {
        Session session = id == null ? null : live.get(id);
        return session != null && !expired(session, clock.instant());
    }

    void close(String id) {
        if (id != null) {
            live.remove(id);
        }
    }

    /** Ends every session of {@code user} (removed, or its password changed). */
    void closeAll(String user) {
        live.values().removeIf(session -> session.user().equals(user));
    }

    Duration absolute() {
        return absolute;
    }

    private boolean expired(Session session, Instant now) {
        return !now.isBefore(session.lastSeen().plus(idle)) || !now.isBefore(session.created().plus(absolute));
    }

    private static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
