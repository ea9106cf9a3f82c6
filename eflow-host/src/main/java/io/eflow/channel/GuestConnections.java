package io.eflow.channel;

import io.eflow.platform.EflowException;
import io.eflow.platform.Progress;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.future.GlobalRequestFuture;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.core.CoreModuleProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The daemon's SSH connections to its guests: one MINA client, one authenticated session per guest reused by every
 * command (a round trip then costs milliseconds, not a key exchange), reopened transparently after a guest restart.
 * Logins use short-lived certificates from the install's user CA; guests are verified against their pinned host key.
 * Thread-safe.
 */
public final class GuestConnections implements AutoCloseable {
    public static final Duration DEFAULT_CERTIFICATE_VALIDITY = Duration.ofHours(24);
    /** How long file transfers may wait to connect and log in (they have no caller-given timeout). */
    public static final Duration LOGIN_TIMEOUT = Duration.ofSeconds(30);
    /** A keepalive every 15 s, answered or the session is dropped after 3 misses: a hung guest is noticed. */
    static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(15);
    static final Duration HEARTBEAT_REPLY_WAIT = Duration.ofSeconds(10);
    static final int HEARTBEAT_MISSES = 3;
    private static final String KEEPALIVE = "keepalive@openssh.com";

    private static final Logger LOG = LoggerFactory.getLogger(GuestConnections.class);

    private final GuestSshClient client;
    private final CertifiedIdentities identities;
    private final ConcurrentMap<String, GuestSession> sessions = new ConcurrentHashMap<>();
    private final ReverseForwards reverseForwards = new ReverseForwards();
    private volatile boolean closed;

    public GuestConnections(UserCertificateAuthority ca) {
        this(ca, DEFAULT_CERTIFICATE_VALIDITY);
    }

    public GuestConnections(UserCertificateAuthority ca, Duration certificateValidity) {
        this(() -> ca, certificateValidity);
    }

    /** Logs in with certificates of the install's CA in use at each login: a rotation needs no new pool. */
    public GuestConnections(UserCaKeys cas) {
        this(cas::current, DEFAULT_CERTIFICATE_VALIDITY);
    }

    private GuestConnections(Supplier<UserCertificateAuthority> ca, Duration certificateValidity) {
        this.identities = new CertifiedIdentities(ca, certificateValidity, Clock.systemUTC());
        this.client = GuestSshClient.create();
        client.setKeyIdentityProvider(identities);
        client.setPublicKeyAuthenticationReporter(GuestLogin.REJECTION_RECORDER);
        CoreModuleProperties.HEARTBEAT_INTERVAL.set(client, HEARTBEAT_INTERVAL);
        CoreModuleProperties.HEARTBEAT_REPLY_WAIT.set(client, HEARTBEAT_REPLY_WAIT);
        CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(client, HEARTBEAT_MISSES);
        client.start();
    }

    /** Runs {@code command} through the guest user's shell, feeding it {@code stdin} (null for none). */
    public CommandResult exec(GuestEndpoint guest, String command, byte[] stdin, Duration timeout) {
        Deadline deadline = Deadline.after(timeout);
        return call(guest, deadline, session -> RemoteExec.run(session, guest, command, stdin, deadline));
    }

    /**
     * Like {@link #exec}, with the command's output passed on as it arrives (a followed log, say). {@code stdin} is read
     * until its end, which the command sees as EOF: a caller can hold it open for as long as the command should go on.
     */
    public int stream(GuestEndpoint guest, String command, InputStream stdin, OutputStream out, OutputStream err,
            Duration timeout) {
        Deadline deadline = Deadline.after(timeout);
        return call(guest, deadline, session -> RemoteExec.run(session, guest, command, stdin, out, err, deadline));
    }

    /**
     * An interactive shell on a pty of {@code columns} × {@code rows}: keystrokes from {@code in}, the terminal's output
     * to {@code out}, until the shell exits, {@code in} ends or {@code maxLength} passes. {@code opened} gets the means to
     * resize it. Returns the shell's exit status, -1 when it had none.
     */
    public int terminal(GuestEndpoint guest, int columns, int rows, InputStream in, OutputStream out, Consumer<TerminalResize> opened,
                        Duration maxLength) {
        Deadline deadline = Deadline.after(maxLength);
        return call(guest, deadline, session -> RemoteShell.run(session, guest, columns, rows, in, out, opened, deadline));
    }

    /** Copies a host file into the guest over SFTP; the remote file appears complete or not at all. */
    public void upload(GuestEndpoint guest, Path local, String remote, Progress progress, String step) {
        Deadline deadline = Deadline.after(LOGIN_TIMEOUT);
        call(guest, deadline, session -> SftpTransfer.upload(session, guest, local, remote, deadline, progress, step));
    }

    /** Copies a guest file to the host over SFTP; the local file appears complete or not at all. */
    public void download(GuestEndpoint guest, String remote, Path local) {
        Deadline deadline = Deadline.after(LOGIN_TIMEOUT);
        call(guest, deadline, session -> SftpTransfer.download(session, guest, remote, local, deadline));
    }

    /** A connection to {@code port} on the guest's loopback, made by the guest's sshd. */
    public GuestTunnel tunnel(GuestEndpoint guest, int port, Duration timeout) {
        Deadline deadline = Deadline.after(timeout);
        GuestSession shared = shared(guest);
        ClientSession session = shared.session(guest, deadline);
        try {
            return GuestTunnel.open(session, guest, port, deadline);
        } catch (GuestSession.StaleSessionException e) {
            shared.discard(session);
            try {
                return GuestTunnel.open(shared.session(guest, deadline), guest, port, deadline);
            } catch (GuestSession.StaleSessionException again) {
                throw GuestErrors.lost(guest, "opening a tunnel", again.getCause());
            }
        }
    }

    /**
     * Makes {@code guestPort} on the guest's loopback lead to {@code hostPort} on the host's, for as long as this pool
     * lives: requested now, and again on every later session to the guest. A guest that is not running gets it when
     * it next starts; a guest that refuses it now (the port is taken) is an error and nothing is kept.
     */
    public void forwardToHost(GuestEndpoint guest, int guestPort, int hostPort, Duration timeout) {
        ReverseForwards.Forward forward = new ReverseForwards.Forward(guestPort, hostPort);
        reverseForwards.hold(guest.name(), forward);
        if (timeout.isNegative() || timeout.isZero()) {
            return; // the guest is not running: its next session asks for the forward
        }
        ClientSession session;
        try {
            session = shared(guest).session(guest, Deadline.after(timeout));
        } catch (EflowException e) {
            LOG.info("guest {} unreachable now ({}); its forward of port {} starts with its next session",
                    guest.name(), e.getMessage(), guestPort);
            return;
        }
        try {
            reverseForwards.establish(guest.name(), session, forward);
        } catch (EflowException e) {
            reverseForwards.release(guest.name(), forward);
            throw e;
        }
    }

    /** The guest→host forwards the guest's next session will ask for (for tests of this package). */
    Set<ReverseForwards.Forward> heldForwards(String guest) {
        return reverseForwards.held(guest);
    }

    /** Ends a {@link #forwardToHost} forward: no new session gets it, and the current one gives it up. */
    public void stopForwardToHost(String guest, int guestPort, int hostPort) {
        ReverseForwards.Forward forward = new ReverseForwards.Forward(guestPort, hostPort);
        reverseForwards.release(guest, forward);
        GuestSession shared = sessions.get(guest);
        ClientSession session = shared == null ? null : shared.current();
        if (session != null) {
            reverseForwards.cancel(session, forward);
        }
    }

    /**
     * True when the guest can be reached and logs eflow in, within {@code timeout}. A pooled session must also answer
     * a keepalive, so a session whose guest silently went away does not count.
     */
    public boolean ping(GuestEndpoint guest, Duration timeout) {
        Deadline deadline = Deadline.after(timeout);
        GuestSession shared = shared(guest);
        try {
            ClientSession session = shared.session(guest, deadline);
            if (answersKeepalive(session, deadline)) {
                return true;
            }
            shared.discard(session);
            return answersKeepalive(shared.session(guest, deadline), deadline);
        } catch (EflowException e) {
            LOG.warn("ping of guest {} failed: {}", guest.name(), e.getMessage());
            return false;
        }
    }

    /** Forgets the guest's session (the daemon stopped or redeployed it); the next call connects afresh. */
    public void invalidate(String guest) {
        GuestSession shared = sessions.remove(guest);
        if (shared != null) {
            shared.close();
        }
    }

    /** The identity used for logins as {@code user}, for tools that need the same access (e.g. `eflow ssh`). */
    public ClientIdentity identity(String user) {
        return identities.forPrincipal(user);
    }

    @Override
    public void close() {
        closed = true;
        for (String guest : List.copyOf(sessions.keySet())) {
            invalidate(guest);
        }
        client.stop();
    }

    /**
     * Runs {@code work} on the guest's pooled session. A call the pool's close cut off says so: it was eflowd stopping,
     * not the guest, that ended it.
     */
    private <T> T call(GuestEndpoint guest, Deadline deadline, GuestSession.SessionCall<T> work) {
        try {
            return shared(guest).call(guest, deadline, work);
        } catch (EflowException e) {
            if (closed) {
                throw GuestErrors.closedPool();
            }
            throw e;
        }
    }

    private GuestSession shared(GuestEndpoint guest) {
        if (closed) {
            throw GuestErrors.closedPool();
        }
        GuestSession shared = sessions.computeIfAbsent(guest.name(),
                name -> new GuestSession(client, session -> reverseForwards.establishAll(name, session)));
        if (closed) {
            invalidate(guest.name());
            throw GuestErrors.closedPool();
        }
        return shared;
    }

    /**
     * keepalive@openssh.com with want-reply: sshd answers it with a failure (it knows no such request), which MINA
     * reports as an exception on the future; any answer on a still-open session proves it works end to end.
     */
    private static boolean answersKeepalive(ClientSession session, Deadline deadline) {
        try {
            Buffer request = session.createBuffer(SshConstants.SSH_MSG_GLOBAL_REQUEST, KEEPALIVE.length() + 8);
            request.putString(KEEPALIVE);
            request.putBoolean(true);
            GlobalRequestFuture reply = session.request(request, KEEPALIVE, null);
            return reply.await(deadline.remainingMillis()) && session.isOpen();
        } catch (IOException | IllegalStateException e) {
            return false;
        }
    }
}
