package io.eflow.backend.qemu;

import io.eflow.platform.EflowException;
import io.eflow.platform.FileTrees;
import io.eflow.platform.ProcessLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The host side of a VM's SSH ports: one UNIX socket (the instance's management socket) that takes any number of
 * connections and hands each one a free virtio-serial port of its own. A port carries one byte stream, so it is
 * exclusive; the gate also waits for the guest's ready line ({@link PortAttach}) before a byte of the client's goes
 * through, so a new session never lands in the previous one's sshd.
 *
 * <p>One process serves an instance's gate at a time: it holds {@code lockFile}. The lock goes with the process,
 * so after a daemon crash the next one takes over.
 */
final class PortGate implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PortGate.class);
    /** How long a connection may wait for a free port and the guest's ready line before the gate gives up on it. */
    static final Duration ACQUIRE_TIMEOUT = Duration.ofSeconds(60);
    private static final int BUFFER = 64 * 1024;

    private final String name;
    private final Path socket;
    private final ServerSocketChannel server;
    private final ProcessLock lock;
    /** Free ports, the one released longest ago first: its sshd has had the most time to end. */
    private final Deque<Path> free;
    private final ExecutorService workers;
    private final Duration acquireTimeout;
    private volatile boolean closed;

    private PortGate(String name, Path socket, List<Path> ports, ServerSocketChannel server, ProcessLock lock,
            Duration acquireTimeout) {
        this.name = name;
        this.socket = socket;
        this.server = server;
        this.lock = lock;
        this.free = new ArrayDeque<>(ports);
        this.acquireTimeout = acquireTimeout;
        this.workers = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "port-gate-" + name);
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Serves {@code socket} in this process unless another process already does (it holds {@code lockFile}).
     *
     * @return the gate, or empty when another process serves it
     */
    static Optional<PortGate> open(String name, Path socket, List<Path> ports, Path lockFile) {
        return open(name, socket, ports, lockFile, ACQUIRE_TIMEOUT);
    }

    static Optional<PortGate> open(String name, Path socket, List<Path> ports, Path lockFile, Duration acquireTimeout) {
        ProcessLock lock = null;
        try {
            Optional<ProcessLock> held = ProcessLock.tryAcquire(lockFile);
            if (held.isEmpty()) {
                return Optional.empty();
            }
            lock = held.get();
            Files.deleteIfExists(socket); // a dead owner's
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
            PortGate gate = new PortGate(name, socket, ports, server, lock, acquireTimeout);
            gate.workers.execute(gate::acceptLoop);
            return Optional.of(gate);
        } catch (IOException e) {
            closeQuietly(lock);
            throw EflowException.failure("cannot serve the SSH socket " + socket + " of '" + name + "': " + e.getMessage(), e);
        }
    }

    Path socket() {
        return socket;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                SocketChannel client = server.accept();
                workers.execute(() -> serve(client));
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("{}: accepting an SSH connection failed: {}", name, e.getMessage());
                }
            }
        }
    }

    private void serve(SocketChannel client) {
        long deadline = System.nanoTime() + acquireTimeout.toNanos();
        try (client) {
            while (!closed && System.nanoTime() < deadline) {
                Path port = take(deadline);
                if (port == null) {
                    break;
                }
                Optional<PortAttach.Attached> attached = Optional.empty();
                try {
                    attached = PortAttach.attach(port, deadline);
                    if (attached.isPresent()) {
                        pump(client, attached.get());
                        return;
                    }
                } finally {
                    attached.ifPresent(a -> closeQuietly(a.channel()));
                    give(port);
                }
            }
            LOG.warn("{}: no SSH port of the guest became ready within {} s; the connection was closed", name,
                    acquireTimeout.toSeconds());
        } catch (IOException e) {
            LOG.debug("{}: SSH connection ended: {}", name, e.getMessage());
        }
    }

    /** Copies both ways until either side ends; then both are closed (SSH has no use for half-open streams). */
    private void pump(SocketChannel client, PortAttach.Attached port) throws IOException {
        ByteBuffer early = port.early();
        while (early.hasRemaining()) {
            client.write(early);
        }
        var upstream = workers.submit(() -> copy(client, port.channel()));
        copy(port.channel(), client);
        closeQuietly(client);
        closeQuietly(port.channel());
        try {
            upstream.get(5, TimeUnit.SECONDS);
        } catch (Exception ended) {
            // the other direction ends with the closed channels
        }
    }

    private static Void copy(SocketChannel from, SocketChannel to) {
        ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
        try {
            while (from.read(buffer) >= 0) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    to.write(buffer);
                }
                buffer.clear();
            }
        } catch (IOException e) {
            // one side went away
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
        return null;
    }

    private synchronized Path take(long deadline) {
        while (free.isEmpty() && !closed) {
            long wait = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (wait <= 0) {
                return null;
            }
            try {
                wait(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return closed ? null : free.pollFirst();
    }

    private synchronized void give(Path port) {
        free.addLast(port);
        notifyAll();
    }

    /** Ports not carrying a session now. */
    synchronized int freePorts() {
        return free.size();
    }

    @Override
    public void close() {
        closed = true;
        synchronized (this) {
            notifyAll();
        }
        closeQuietly(server);
        workers.shutdownNow();
        FileTrees.deleteRecursively(socket);
        lock.close();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            // nothing more to do with a channel that will not close
        }
    }
}
