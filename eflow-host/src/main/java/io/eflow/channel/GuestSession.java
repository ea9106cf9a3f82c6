package io.eflow.channel;

import io.eflow.platform.EflowException;
import org.apache.sshd.client.session.ClientSession;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The pooled connection to one guest: one SSH session, shared by all callers and reopened when it died. On a
 * virtio-serial port only one connection fits at a time, so the session is never duplicated, only replaced.
 */
final class GuestSession {
    /**
     * Below the guest sshd's MaxSessions (64, in its sshd_config). sshd still frees slots a little late, which
     * {@link ChannelOpening} rides out; the margin keeps that rare.
     */
    static final int MAX_CHANNELS = 60;
    /**
     * Of those, how many long calls (allowed more than {@link #LONG_CALL}: a followed log, a subscription, a terminal)
     * may hold at once. Each holds its channel for as long as someone watches; the rest stay for commands, so watchers
     * never lock the guest's management out.
     */
    static final int MAX_LONG_CALLS = 48;
    static final Duration LONG_CALL = Duration.ofMinutes(10);
    /** How long a long call waits for one of its slots: its own deadline is days, so it is told instead. */
    static final Duration LONG_CALL_WAIT = Duration.ofSeconds(30);

    private final GuestSshClient client;
    private final Consumer<ClientSession> onOpen;
    private final Semaphore channels = new Semaphore(MAX_CHANNELS, true);
    private final Semaphore longCalls = new Semaphore(MAX_LONG_CALLS, true);
    private final ReentrantLock connecting = new ReentrantLock();
    private volatile GuestEndpoint endpoint;
    private volatile ClientSession session;
    private volatile boolean closed;

    /** @param onOpen runs on each new session once logged in, before any caller uses it (standing forwards) */
    GuestSession(GuestSshClient client, Consumer<ClientSession> onOpen) {
        this.client = client;
        this.onOpen = onOpen;
    }

    /** Runs {@code call} on a live session, holding one channel slot; retries once on a fresh session if it was stale. */
    <T> T call(GuestEndpoint guest, Deadline deadline, SessionCall<T> call) {
        boolean longCall = deadline.budget().compareTo(LONG_CALL) > 0;
        if (longCall) {
            acquireLongCallSlot(guest, deadline);
        }
        try {
            acquireSlot(guest, deadline);
        } catch (RuntimeException e) {
            if (longCall) {
                longCalls.release();
            }
            throw e;
        }
        try {
            ClientSession current = session(guest, deadline);
            try {
                return call.run(current);
            } catch (StaleSessionException e) {
                discard(current);
                try {
                    return call.run(session(guest, deadline));
                } catch (StaleSessionException again) {
                    throw GuestErrors.lost(guest, "opening a channel", again.getCause());
                }
            }
        } finally {
            channels.release();
            if (longCall) {
                longCalls.release();
            }
        }
    }

    /** The open session, or a new one when there is none, it died, or the guest's endpoint changed. */
    ClientSession session(GuestEndpoint guest, Deadline deadline) {
        ClientSession current = session;
        if (isUsable(current, guest)) {
            return current;
        }
        try {
            if (!connecting.tryLock(deadline.remainingMillis(), TimeUnit.MILLISECONDS)) {
                throw GuestErrors.connectTimeout(guest, deadline.budget());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw GuestErrors.connectTimeout(guest, deadline.budget());
        }
        try {
            current = session;
            if (isUsable(current, guest)) {
                return current; // another caller reconnected while we waited
            }
            if (closed) {
                throw GuestErrors.invalidated(guest);
            }
            if (current != null) {
                current.close(true);
            }
            session = null;
            ClientSession fresh = GuestLogin.open(client, guest, deadline);
            onOpen.accept(fresh);
            endpoint = guest;
            session = fresh;
            return fresh;
        } finally {
            connecting.unlock();
        }
    }

    /** The pooled session if one is open, without connecting. */
    ClientSession current() {
        ClientSession current = session;
        return current != null && current.isOpen() ? current : null;
    }

    /** Drops {@code stale} if it is still the pooled session, so the next call reconnects. */
    void discard(ClientSession stale) {
        if (session == stale) {
            session = null;
        }
        stale.close(true);
    }

    /** For good: a caller still holding this link gets an error instead of reopening a session nobody would close. */
    void close() {
        closed = true;
        ClientSession current = session;
        session = null;
        if (current != null) {
            current.close(true);
        }
    }

    /**
     * Usable while the guest's endpoint still accepts the host key this session verified: once a rotated key is
     * pinned, the next call opens a session that verifies the new one.
     */
    private boolean isUsable(ClientSession candidate, GuestEndpoint guest) {
        return candidate != null && candidate.isOpen() && candidate.isAuthenticated() && guest.sameGuest(endpoint)
                && guest.accepts(candidate.getServerKey());
    }

    private void acquireLongCallSlot(GuestEndpoint guest, Deadline deadline) {
        try {
            if (!longCalls.tryAcquire(Math.min(deadline.remainingMillis(), LONG_CALL_WAIT.toMillis()), TimeUnit.MILLISECONDS)) {
                throw GuestErrors.tooManyLongCalls(guest, MAX_LONG_CALLS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EflowException(500, "interrupted while waiting for a channel to guest " + guest.name());
        }
    }

    private void acquireSlot(GuestEndpoint guest, Deadline deadline) {
        try {
            if (!channels.tryAcquire(deadline.remainingMillis(), TimeUnit.MILLISECONDS)) {
                throw GuestErrors.busy(guest, deadline.budget());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EflowException(500, "interrupted while waiting for a channel to guest " + guest.name());
        }
    }

    /** Work done on a session; throws {@link StaleSessionException} only when nothing reached the guest yet. */
    @FunctionalInterface
    interface SessionCall<T> {
        T run(ClientSession session) throws StaleSessionException;
    }

    /** The pooled session turned out dead before the work started, so it is safe to retry on a new one. */
    static final class StaleSessionException extends Exception {
        StaleSessionException(Throwable cause) {
            super(cause);
        }
    }
}
