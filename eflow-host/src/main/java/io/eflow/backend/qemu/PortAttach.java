package io.eflow.backend.qemu;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * Attaching to one virtio-serial SSH port: connect to QEMU's socket for it and wait for the guest's ready line
 * (written by the guest's {@code ssh-on-port} once it holds the port for a fresh sshd). Anything before the line is
 * what an earlier session's sshd said on its way out, and is dropped. Without the line in time the attempt is
 * abandoned; leaving tells the guest the host is gone, which ends a stale session still holding the port.
 */
final class PortAttach {
    static final byte[] READY = "EFLOW-SSH-READY\n".getBytes(StandardCharsets.US_ASCII);
    /** A waiting guest answers in milliseconds; this covers an emulated guest between two sessions on the port. */
    static final Duration ATTEMPT = Duration.ofSeconds(3);
    private static final int MAX_PREAMBLE = 64 * 1024;

    private PortAttach() {
    }

    /**
     * A port with the guest ready on it.
     *
     * @param early bytes that came right after the ready line (the start of sshd's banner), to pass on first
     */
    record Attached(SocketChannel channel, ByteBuffer early) {
    }

    /** One attempt, bounded by {@link #ATTEMPT} and {@code deadline} (System.nanoTime()); empty if the guest was not ready. */
    static Optional<Attached> attach(Path port, long deadline) throws IOException {
        long until = Math.min(deadline, System.nanoTime() + ATTEMPT.toNanos());
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        boolean attached = false;
        try {
            channel.connect(UnixDomainSocketAddress.of(port));
            Optional<ByteBuffer> early = awaitReady(channel, until);
            channel.configureBlocking(true);
            attached = early.isPresent();
            return early.map(bytes -> new Attached(channel, bytes));
        } catch (IOException e) {
            return Optional.empty(); // QEMU is gone or the port closed under us: not this port, not now
        } finally {
            if (!attached) {
                channel.close();
            }
        }
    }

    private static Optional<ByteBuffer> awaitReady(SocketChannel channel, long until) throws IOException {
        channel.configureBlocking(false);
        ByteBuffer seen = ByteBuffer.allocate(MAX_PREAMBLE);
        try (Selector selector = Selector.open()) {
            SelectionKey key = channel.register(selector, SelectionKey.OP_READ);
            while (true) {
                long left = until - System.nanoTime();
                if (left <= 0) {
                    return Optional.empty();
                }
                selector.select(Math.max(1, left / 1_000_000));
                selector.selectedKeys().clear();
                if (channel.read(seen) < 0) {
                    return Optional.empty();
                }
                int end = indexAfterReady(seen.array(), seen.position());
                if (end >= 0) {
                    key.cancel();
                    selector.selectNow(); // deregisters, so the channel can go back to blocking mode
                    return Optional.of(ByteBuffer.wrap(Arrays.copyOfRange(seen.array(), end, seen.position())));
                }
                if (!seen.hasRemaining()) { // a stale session's output, and no end to it: keep only the tail
                    seen.flip();
                    seen.position(seen.limit() - (READY.length - 1));
                    seen.compact();
                }
            }
        }
    }

    /** The index just after the last complete ready line in {@code bytes[0, length)}, or -1. */
    static int indexAfterReady(byte[] bytes, int length) {
        for (int start = length - READY.length; start >= 0; start--) {
            if (Arrays.equals(bytes, start, start + READY.length, READY, 0, READY.length)) {
                return start + READY.length;
            }
        }
        return -1;
    }
}
