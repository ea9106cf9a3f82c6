package io.eflow.edge.proxy;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import javax.net.SocketFactory;

/**
 * Plain TCP for Paho that holds back the end of a connection younger than {@link #MIN_LIFETIME_MILLIS}.
 *
 * <p>Why: Paho 1.2.5's connect thread starts its receiver, sender and callback threads one after the other, and after
 * each polls every 100 ms, for ever, until it sees that one running. One that has already stopped because the
 * connection ended is never seen running, and the connect thread ("MQTT Con: …") stays, one per such connect. An
 * endpoint that accepts and closes at once does exactly that: a forward or proxy whose broker is down, which the
 * soak's flapping upstream hit every few seconds (four threads more every outage). Held back a second, the end comes
 * after the three polls have seen their threads run, and the connection fails as any lost one does. Over TLS the same
 * happens with an endpoint that closes right after its handshake (a TLS terminator whose backend is down); its end
 * comes as a close_notify alert, which the raw socket under the TLS reads as data, so {@link TunnelledSocket} holds
 * back the end of its TLS stream.
 */
public final class EarlyEndGuard extends SocketFactory {
    static final long MIN_LIFETIME_MILLIS = 1000;

    /**
     * {@code in}, whose end (end of stream, or a failure other than a read timeout) is held back until the connection
     * opened at {@code openedNanos} ({@link System#nanoTime()}) is {@link #MIN_LIFETIME_MILLIS} old.
     */
    static InputStream holdingEnd(InputStream in, long openedNanos) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                return held(super::read, openedNanos);
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                return held(() -> super.read(buffer, offset, length), openedNanos);
            }
        };
    }

    private interface Read {
        int run() throws IOException;
    }

    /** {@code read}'s result, an end (-1) or failure held back first; a read timeout is no end and passes at once. */
    private static int held(Read read, long openedNanos) throws IOException {
        try {
            int n = read.run();
            if (n < 0) {
                holdUntilOldEnough(openedNanos);
            }
            return n;
        } catch (SocketTimeoutException e) {
            throw e; // no end: Paho reads with a timeout and reads again
        } catch (IOException e) {
            holdUntilOldEnough(openedNanos);
            throw e;
        }
    }

    private static void holdUntilOldEnough(long openedNanos) {
        long left = MIN_LIFETIME_MILLIS - (System.nanoTime() - openedNanos) / 1_000_000;
        if (left > 0) {
            try {
                Thread.sleep(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public Socket createSocket() {
        return new GuardedSocket();
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port), null);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return connected(new InetSocketAddress(host, port), new InetSocketAddress(localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port), null);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        return connected(new InetSocketAddress(address, port), new InetSocketAddress(localAddress, localPort));
    }

    /** @param local the local end to bind first, or null for any */
    private static Socket connected(InetSocketAddress remote, InetSocketAddress local) throws IOException {
        Socket socket = new GuardedSocket();
        if (local != null) {
            socket.bind(local);
        }
        socket.connect(remote);
        return socket;
    }

    private static final class GuardedSocket extends Socket {
        private final long createdNanos = System.nanoTime();

        @Override
        public InputStream getInputStream() throws IOException {
            return holdingEnd(super.getInputStream(), createdNanos);
        }
    }
}
