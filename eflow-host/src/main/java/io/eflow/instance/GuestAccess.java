package io.eflow.instance;

import io.eflow.backend.GuestShell;
import io.eflow.channel.ClientIdentity;
import io.eflow.channel.CommandResult;
import io.eflow.channel.GuestConnections;
import io.eflow.channel.GuestEndpoint;
import io.eflow.channel.GuestTunnel;
import io.eflow.channel.HostKeyPin;
import io.eflow.channel.TerminalResize;
import io.eflow.channel.UserCaKeys;
import io.eflow.channel.UserCertificateAuthority;
import io.eflow.instance.model.InstanceLayout;
import io.eflow.platform.EflowException;
import io.eflow.platform.EflowPaths;
import io.eflow.platform.Pause;
import io.eflow.platform.Progress;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * The host's way into guests: the per-install user CA and the pooled SSH connections, all as iotedge-user,
 * the original's login user.
 */
final class GuestAccess implements AutoCloseable {
    static final String USER = "iotedge-user";
    /** A fresh login that proves a rotated key works: as long as a first login to a slow (emulated) guest may take. */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(30);
    private final UserCaKeys authorities;
    private final GuestConnections connections;
    private final Consumer<InstanceLayout> channelServer;

    /** @param channelServer makes sure a guest's SSH socket is served before a connection to it (the backend's part) */
    GuestAccess(EflowPaths paths, Consumer<InstanceLayout> channelServer) {
        this.authorities = UserCaKeys.load(paths.userCa());
        this.connections = new GuestConnections(authorities);
        this.channelServer = channelServer;
    }

    /** The install's user CAs: the one in use, and during a rotation the one coming in or going out. */
    UserCaKeys authorities() {
        return authorities;
    }

    static HostKeyPin hostKeyPin(InstanceLayout layout) {
        return new HostKeyPin(layout.pinnedHostKey(), layout.incomingHostKey());
    }

    /** The guest as the pool reaches it; read from the files each time, so a key another process rotated counts. */
    GuestEndpoint endpoint(InstanceLayout layout) {
        channelServer.accept(layout);
        HostKeyPin pin = hostKeyPin(layout);
        return new GuestEndpoint(layout.name(), layout.sshSocket(), pin.pinned(), USER, pin.incoming().orElse(null));
    }

    /**
     * Logs in afresh, outside the pool (whose session may predate a change), with a certificate of {@code ca} and
     * accepting only the host keys {@code guest} accepts: proves that the guest's sshd, as it now reads its files, takes
     * both. The guest's channel is served already ({@link #endpoint} made sure of it).
     */
    void probe(GuestEndpoint guest, UserCertificateAuthority ca) {
        try (GuestConnections fresh = new GuestConnections(ca)) {
            CommandResult result = fresh.exec(guest, "true", new byte[0], PROBE_TIMEOUT);
            if (result.exitCode() != 0) {
                throw EflowException.failure("a fresh login to guest " + guest.name() + " ran 'true' with exit "
                        + result.exitCode(), null);
            }
        }
    }

    CommandResult exec(InstanceLayout layout, List<String> argv, Duration timeout) {
        return connections.exec(endpoint(layout), ShellQuoting.join(argv), new byte[0], timeout);
    }

    int stream(InstanceLayout layout, List<String> argv, InputStream stdin, OutputStream out, OutputStream err,
            Duration timeout) {
        return connections.stream(endpoint(layout), ShellQuoting.join(argv), stdin, out, err, timeout);
    }

    String shell(InstanceLayout layout, String script, Duration timeout) {
        return shell(layout, script, new byte[0], timeout);
    }

    int terminal(InstanceLayout layout, int columns, int rows, InputStream in, OutputStream out, Consumer<TerminalResize> opened,
                 Duration maxLength) {
        return connections.terminal(endpoint(layout), columns, rows, in, out, opened, maxLength);
    }

    /** The guest's shell for a backend that changes a guest from inside. */
    GuestShell shell(InstanceLayout layout) {
        return (script, stdin) -> shell(layout, script, stdin, Duration.ofSeconds(30));
    }

    /** Runs {@code script} fed with {@code stdin}; a non-zero exit is an error that carries the script's stderr. */
    String shell(InstanceLayout layout, String script, byte[] stdin, Duration timeout) {
        CommandResult result = connections.exec(endpoint(layout), script, stdin, timeout);
        if (result.exitCode() != 0) {
            throw EflowException.failure("command in guest " + layout.name() + " failed (exit " + result.exitCode() + "): "
                    + new String(result.stderr(), StandardCharsets.UTF_8).strip(), null);
        }
        return result.stdoutText();
    }

    /** Waits until sshd in the guest completes a login. */
    void awaitReady(InstanceLayout layout, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                // A real command, not only a ping: its error says why a login fails (key, certificate, account).
                // 15 s per try: a first login in an emulated (TCG) guest that is still starting services is slow.
                if (connections.exec(endpoint(layout), "true", new byte[0], Duration.ofSeconds(15)).exitCode() == 0) {
                    return;
                }
            } catch (RuntimeException e) {
                last = e;
            }
            Pause.millis(20);
        }
        throw EflowException.failure("the guest's SSH service did not answer within " + timeout.toSeconds() + " s"
                + (last == null ? "" : ": " + last.getMessage()), last);
    }

    void upload(InstanceLayout layout, Path local, String remote, Progress progress, String step) {
        connections.upload(endpoint(layout), local, remote, progress, step);
    }

    void download(InstanceLayout layout, String remote, Path local) {
        connections.download(endpoint(layout), remote, local);
    }

    GuestTunnel tunnel(InstanceLayout layout, int guestPort, Duration timeout) {
        return connections.tunnel(endpoint(layout), guestPort, timeout);
    }

    void forwardToHost(InstanceLayout layout, int guestPort, int hostPort, Duration timeout) {
        connections.forwardToHost(endpoint(layout), guestPort, hostPort, timeout);
    }

    void stopForwardToHost(String name, int guestPort, int hostPort) {
        connections.stopForwardToHost(name, guestPort, hostPort);
    }

    ClientIdentity issueShortLived(Duration validity) {
        return authorities.current().issue(USER, validity);
    }

    void forget(String name) {
        connections.invalidate(name);
    }

    @Override
    public void close() {
        connections.close();
    }
}
