package io.eflow.channel;

import io.eflow.channel.GuestSession.StaleSessionException;
import io.eflow.platform.EflowException;
import org.apache.sshd.client.channel.ChannelDirectTcpip;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.common.util.net.SshdSocketAddress;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * One TCP connection to a port on the guest's loopback, carried by a {@code direct-tcpip} channel of the management
 * session: the guest's sshd makes the connection, so no guest port is ever exposed to the network.
 * Closing it closes the channel; {@link #shutdownOutput()} sends EOF while the answer is still read.
 */
public final class GuestTunnel implements AutoCloseable {
    private static final String LOOPBACK = "127.0.0.1";
    private final ChannelDirectTcpip channel;

    private GuestTunnel(ChannelDirectTcpip channel) {
        this.channel = channel;
    }

    static GuestTunnel open(ClientSession session, GuestEndpoint guest, int port, Deadline deadline)
            throws StaleSessionException {
        ChannelDirectTcpip channel;
        try {
            // the originator address is informational only (sshd logs it); the host side has no single one
            channel = session.createDirectTcpipChannel(new SshdSocketAddress(LOOPBACK, 0), new SshdSocketAddress(LOOPBACK, port));
            if (!channel.open().verify(deadline.remainingMillis()).isOpened()) {
                throw new IOException("the channel did not open");
            }
        } catch (IOException | IllegalStateException e) {
            if (!session.isOpen()) {
                throw new StaleSessionException(e);
            }
            throw refused(guest, port, e);
        }
        return new GuestTunnel(channel);
    }

    private static EflowException refused(GuestEndpoint guest, int port, Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SshChannelOpenException open && open.getReasonCode() == SshConstants.SSH_OPEN_CONNECT_FAILED) {
                return EflowException.failure("nothing listens on port " + port + " in guest " + guest.name(), failure);
            }
        }
        return EflowException.failure("cannot reach port " + port + " in guest " + guest.name() + ": "
                + GuestErrors.describe(failure), failure);
    }

    /** What the guest-side program sends. */
    public InputStream input() {
        return channel.getInvertedOut();
    }

    /** To the guest-side program. */
    public OutputStream output() {
        return channel.getInvertedIn();
    }

    /** Tells the guest-side program that nothing more comes (EOF), leaving the other direction open. */
    public void shutdownOutput() throws IOException {
        channel.getInvertedIn().close();
    }

    @Override
    public void close() {
        channel.close(false);
    }
}
