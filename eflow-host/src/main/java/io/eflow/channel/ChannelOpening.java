package io.eflow.channel;

import io.eflow.channel.GuestSession.StaleSessionException;
import org.apache.sshd.client.channel.ClientChannel;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.common.future.CancelOption;

import java.io.IOException;
import java.io.InterruptedIOException;

/**
 * Opens a channel, riding out sshd's momentary refusals. OpenSSH frees a MaxSessions slot only when our reply to
 * its channel close arrives, so right after a burst of short commands a new open can be refused ("no more
 * sessions" in its log) although we hold fewer channels than the limit. Such refusals are retried until the
 * deadline; a dead session is reported as stale so the caller can reconnect.
 */
final class ChannelOpening {
    private static final long FIRST_BACKOFF_MILLIS = 2;
    private static final long MAX_BACKOFF_MILLIS = 100;

    private ChannelOpening() {
    }

    static <T> T open(ClientSession session, GuestEndpoint guest, Deadline deadline, Opener<T> opener)
            throws StaleSessionException {
        long backoff = FIRST_BACKOFF_MILLIS;
        while (true) {
            try {
                return opener.open();
            } catch (IOException | IllegalStateException e) {
                if (!isMomentaryRefusal(e) || !session.isOpen() || deadline.remainingMillis() <= backoff) {
                    throw staleOrRefused(session, guest, e);
                }
            }
            sleep(backoff, guest);
            backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
        }
    }

    /**
     * Nothing reached the guest yet. A dead session is worth one retry on a new one (returned for the caller to
     * throw); a live session that refuses the channel is an error (thrown here).
     */
    static StaleSessionException staleOrRefused(ClientSession session, GuestEndpoint guest, Throwable failure) {
        if (!session.isOpen()) {
            return new StaleSessionException(failure);
        }
        throw GuestErrors.channelRefused(guest, failure);
    }

    private static boolean isMomentaryRefusal(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof SshChannelOpenException refused) {
                // OpenSSH answers "no more sessions" with its default reason, CONNECT_FAILED; a policy refusal
                // (administratively prohibited) or an unknown channel type would not go away by waiting
                return refused.getReasonCode() == SshConstants.SSH_OPEN_CONNECT_FAILED
                        || refused.getReasonCode() == SshConstants.SSH_OPEN_RESOURCE_SHORTAGE;
            }
        }
        return false;
    }

    private static void sleep(long millis, GuestEndpoint guest) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw GuestErrors.lost(guest, "opening a channel", e);
        }
    }

    /** Creates and opens one channel; a failure to open is thrown, not returned. */
    @FunctionalInterface
    interface Opener<T> {
        T open() throws IOException;
    }

    /**
     * Opens a channel already set up (streams given) and waits for the guest's answer within the deadline; the channel is
     * closed again when it does not open.
     */
    static <C extends ClientChannel> C awaitOpen(C channel, GuestEndpoint guest, Deadline deadline) throws IOException {
        boolean opened = false;
        try {
            OpenFuture open = channel.open();
            if (!open.await(deadline.remainingMillis(), CancelOption.CANCEL_ON_TIMEOUT)) {
                throw GuestErrors.connectTimeout(guest, deadline.budget());
            }
            if (!open.isOpened()) {
                Throwable failure = open.getException();
                throw failure instanceof IOException io ? io : new IOException("channel open failed", failure);
            }
            opened = true;
            return channel;
        } catch (InterruptedIOException e) {
            Thread.currentThread().interrupt();
            throw GuestErrors.lost(guest, "opening a channel", e);
        } finally {
            if (!opened) {
                channel.close(true);
            }
        }
    }
}
