package io.eflow.forward;

import io.eflow.channel.GuestTunnel;
import io.eflow.platform.EflowException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.function.IntFunction;

/**
 * The host side of a forward into the guest: listens on a loopback port or a UNIX socket and carries each
 * connection through its own tunnel to the guest port. A connection that finds the guest stopped, or nothing
 * listening in it, is closed at once; the listener stays for when the guest is back.
 */
final class HostListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HostListener.class);
    private final Forward forward;
    private final ServerSocketChannel server;
    private final IntFunction<GuestTunnel> tunnels;
    private final ExecutorService threads;
    private final Set<Pump.End> open = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean closed;

    private HostListener(Forward forward, ServerSocketChannel server, IntFunction<GuestTunnel> tunnels, ExecutorService threads) {
        this.forward = forward;
        this.server = server;
        this.tunnels = tunnels;
        this.threads = threads;
        this.acceptor = new Thread(this::acceptLoop, "forward " + forward);
        acceptor.setDaemon(true);
    }

    /** Binds the host side now, so a taken port or path is an error before anything is saved. */
    static HostListener open(Forward forward, IntFunction<GuestTunnel> tunnels, ExecutorService threads) {
        Forward.HostSide side = forward.hostSide();
        ServerSocketChannel server = null;
        try {
            if (side.socket() != null) {
                server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
                bindUnix(server, side.socket());
            } else {
                server = ServerSocketChannel.open();
                server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), side.port()));
            }
        } catch (IOException e) {
            closeQuietly(server);
            throw new EflowException("cannot listen on " + forward.host() + ": " + e.getMessage());
        }
        HostListener listener = new HostListener(forward, server, tunnels, threads);
        listener.acceptor.start();
        return listener;
    }

    /**
     * A socket file left by an earlier daemon is replaced; any other file is not. The socket is open to every local
     * user, as a loopback port is: a forward's reach is the host's local users either way.
     */
    private static void bindUnix(ServerSocketChannel server, Path path) throws IOException {
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            if (!"socket".equals(fileType(path))) {
                throw new IOException("it exists and is not a socket");
            }
            if (answers(path)) {
                throw new IOException("another program listens on it");
            }
            Files.delete(path);
        }
        Files.createDirectories(path.getParent());
        server.bind(UnixDomainSocketAddress.of(path));
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw-rw-"));
    }

    private static String fileType(Path path) throws IOException {
        return Files.readAttributes(path, BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS).isOther() ? "socket" : "file";
    }

    private static boolean answers(Path socket) {
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            return probe.isConnected();
        } catch (IOException e) {
            return false;
        }
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                LOG.warn("forward {}: accepting failed: {}", forward, e.getMessage());
                continue;
            }
            threads.execute(() -> connect(client));
        }
    }

    private void connect(SocketChannel client) {
        GuestTunnel tunnel;
        try {
            tunnel = tunnels.apply(forward.guestPort());
        } catch (RuntimeException e) {
            LOG.info("forward {}: connection refused: {}", forward, e.getMessage());
            closeQuietly(client);
            return;
        }
        Pump.End hostEnd = track(new SocketEnd(client));
        Pump.End guestEnd = track(new TunnelEnd(tunnel));
        if (closed) {
            hostEnd.close();
            guestEnd.close();
            return;
        }
        Pump.start(hostEnd, guestEnd, threads);
    }

    private Pump.End track(Pump.End end) {
        open.add(end);
        return new Pump.End() {
            public InputStream input() throws IOException {
                return end.input();
            }

            public OutputStream output() throws IOException {
                return end.output();
            }

            public void shutdownOutput() throws IOException {
                end.shutdownOutput();
            }

            public void close() {
                open.remove(end);
                end.close();
            }
        };
    }

    /** Stops listening and ends the connections in progress; a UNIX socket file is removed. */
    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        open.forEach(Pump.End::close);
        Path socket = forward.hostSide().socket();
        if (socket != null) {
            try {
                Files.deleteIfExists(socket);
            } catch (IOException e) {
                LOG.warn("forward {}: cannot remove {}: {}", forward, socket, e.getMessage());
            }
        }
    }

    private static void closeQuietly(Closeable closeable) {
        if (closeable != null) {
            try {
                closeable.close();
            } catch (IOException e) {
                // nothing more to release
            }
        }
    }

    /**
     * Streams straight over the channel: {@code Channels.newInputStream/newOutputStream} would both take the
     * channel's blocking lock, so a read waiting for data would hold up every write the other way.
     */
    private record SocketEnd(SocketChannel socket) implements Pump.End {
        public InputStream input() {
            return new InputStream() {
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                public int read(byte[] b, int off, int len) throws IOException {
                    return len == 0 ? 0 : socket.read(ByteBuffer.wrap(b, off, len));
                }
            };
        }

        public OutputStream output() {
            return new OutputStream() {
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                public void write(byte[] b, int off, int len) throws IOException {
                    ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
                    while (buffer.hasRemaining()) {
                        socket.write(buffer);
                    }
                }
            };
        }

        public void shutdownOutput() throws IOException {
            socket.shutdownOutput();
        }

        public void close() {
            closeQuietly(socket);
        }
    }

    private record TunnelEnd(GuestTunnel tunnel) implements Pump.End {
        public InputStream input() {
            return tunnel.input();
        }

        public OutputStream output() {
            return tunnel.output();
        }

        public void shutdownOutput() throws IOException {
            tunnel.shutdownOutput();
        }

        public void close() {
            tunnel.close();
        }
    }
}
