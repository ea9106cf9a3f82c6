package io.eflow.channel;

import io.eflow.platform.EflowException;
import org.apache.sshd.client.auth.pubkey.PublicKeyAuthenticationReporter;
import org.apache.sshd.client.future.AuthFuture;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.future.CancelOption;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.nio.file.Files;
import java.security.KeyPair;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Connects and logs in to one guest, and turns MINA's failures into errors that say which step failed: no socket,
 * nobody listening, a foreign host key, a refused certificate, or no answer in time.
 */
final class GuestLogin {
    /** Set when sshd answered our public-key attempt with a failure, as opposed to the connection dropping. */
    static final AttributeRepository.AttributeKey<Boolean> REJECTED = new AttributeRepository.AttributeKey<>();

    /** Installed on the client so that a refusal can be told apart from a dropped connection. */
    static final PublicKeyAuthenticationReporter REJECTION_RECORDER = new PublicKeyAuthenticationReporter() {
        @Override
        public void signalAuthenticationFailure(ClientSession session, String service, KeyPair identity,
                boolean partial, List<String> serverMethods) {
            if (!partial) {
                session.setAttribute(REJECTED, Boolean.TRUE);
            }
        }
    };

    private GuestLogin() {
    }

    static ClientSession open(GuestSshClient client, GuestEndpoint guest, Deadline deadline) {
        if (!Files.exists(guest.socket())) {
            throw GuestErrors.notRunning(guest);
        }
        ConnectFuture connect;
        AtomicReference<String> mismatch = new AtomicReference<>();
        try {
            connect = client.connect(guest, mismatch);
            if (!connect.await(deadline.remainingMillis(), CancelOption.CANCEL_ON_TIMEOUT)) {
                throw GuestErrors.connectTimeout(guest, deadline.budget());
            }
        } catch (InterruptedIOException e) {
            Thread.currentThread().interrupt();
            throw GuestErrors.unreachable(guest, e);
        } catch (IOException e) {
            throw GuestErrors.unreachable(guest, e);
        }
        if (connect.getException() != null) {
            throw connectFailure(guest, connect.getException());
        }
        ClientSession session = connect.getClientSession();
        boolean authenticated = false;
        try {
            AuthFuture auth = session.auth();
            if (!auth.await(deadline.remainingMillis(), CancelOption.CANCEL_ON_TIMEOUT)) {
                throw GuestErrors.connectTimeout(guest, deadline.budget());
            }
            if (!auth.isSuccess()) {
                throw loginFailure(guest, session, mismatch, auth.getException());
            }
            authenticated = true;
            return session;
        } catch (InterruptedIOException e) {
            Thread.currentThread().interrupt();
            throw loginFailure(guest, session, mismatch, e);
        } catch (IOException e) {
            throw loginFailure(guest, session, mismatch, e);
        } finally {
            if (!authenticated) {
                session.close(true);
            }
        }
    }

    private static EflowException connectFailure(GuestEndpoint guest, Throwable failure) {
        if (!Files.exists(guest.socket())) {
            return GuestErrors.notRunning(guest);
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException) {
                return GuestErrors.refused(guest);
            }
        }
        return GuestErrors.unreachable(guest, failure);
    }

    private static EflowException loginFailure(GuestEndpoint guest, ClientSession session, AtomicReference<String> mismatch,
            Throwable failure) {
        if (mismatch.get() != null) {
            return GuestErrors.hostKeyMismatch(guest);
        }
        if (Boolean.TRUE.equals(session.getAttribute(REJECTED))) {
            return GuestErrors.authRefused(guest);
        }
        Throwable cause = failure == null ? new IOException("the guest closed the connection") : failure;
        return GuestErrors.handshakeFailed(guest, cause);
    }
}
