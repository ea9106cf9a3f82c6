package io.eflow.channel;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.CompletionHandler;
import java.nio.channels.InterruptedByTimeoutException;
import java.nio.channels.ReadPendingException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.ShutdownChannelGroupException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The NIO2 adapter against a plain JDK UNIX-socket server: the contract MINA's session code relies on. */
class UnixSocketChannelTest {
    @TempDir
    Path tmp;

    private UnixSocketChannelGroup group;
    private ServerSocketChannel server;
    private UnixDomainSocketAddress address;

    @BeforeEach
    void listen() throws Exception {
        group = new UnixSocketChannelGroup("test");
        address = UnixDomainSocketAddress.of(tmp.resolve("s.sock"));
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(address);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        group.shutdownNow();
        assertThat(group.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void connectsWritesReadsAndSeesEndOfStream() throws Exception {
        UnixSocketChannel channel = group.openChannel();
        channel.connect(address).get(5, TimeUnit.SECONDS);
        try (SocketChannel peer = server.accept()) {
            assertThat(channel.getRemoteAddress()).isEqualTo(address);

            assertThat(channel.write(ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII))).get(5, TimeUnit.SECONDS)).isEqualTo(4);
            ByteBuffer received = ByteBuffer.allocate(4);
            while (received.hasRemaining()) {
                peer.read(received);
            }
            assertThat(new String(received.array(), StandardCharsets.US_ASCII)).isEqualTo("ping");

            peer.write(ByteBuffer.wrap("pong".getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer reply = ByteBuffer.allocate(16);
            CompletableFuture<Integer> read = new CompletableFuture<>();
            channel.read(reply, 0, TimeUnit.MILLISECONDS, "attachment", handler(read));
            assertThat(read.get(5, TimeUnit.SECONDS)).isEqualTo(4);
            assertThat(new String(reply.array(), 0, 4, StandardCharsets.US_ASCII)).isEqualTo("pong");

            peer.shutdownOutput();
            assertThat(channel.read(ByteBuffer.allocate(4)).get(5, TimeUnit.SECONDS)).isEqualTo(-1);
        }
        channel.close();
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void aSecondReadWhileOneIsPendingIsRefused() throws Exception {
        UnixSocketChannel channel = group.openChannel();
        channel.connect(address).get(5, TimeUnit.SECONDS);
        try (SocketChannel peer = server.accept()) {
            CompletableFuture<Integer> first = new CompletableFuture<>();
            channel.read(ByteBuffer.allocate(8), 0, TimeUnit.MILLISECONDS, null, handler(first));
            assertThatThrownBy(() -> channel.read(ByteBuffer.allocate(8))).isInstanceOf(ReadPendingException.class);

            channel.close();
            assertThatThrownBy(() -> first.get(5, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(AsynchronousCloseException.class);
        }
    }

    @Test
    void aReadThatOutlivesItsTimeoutFailsAndClosesTheChannel() throws Exception {
        UnixSocketChannel channel = group.openChannel();
        channel.connect(address).get(5, TimeUnit.SECONDS);
        try (SocketChannel peer = server.accept()) {
            CompletableFuture<Integer> read = new CompletableFuture<>();
            long start = System.nanoTime();
            channel.read(ByteBuffer.allocate(8), 200, TimeUnit.MILLISECONDS, null, handler(read));
            assertThatThrownBy(() -> read.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(InterruptedByTimeoutException.class);
            // never before its timeout; how late after it is bench/responsiveness.sh's figure
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
            assertThat(channel.isOpen()).isFalse();
        }
    }

    @Test
    void connectingToAMissingSocketFails() throws Exception {
        UnixSocketChannel channel = group.openChannel();
        assertThatThrownBy(() -> channel.connect(UnixDomainSocketAddress.of(tmp.resolve("missing.sock"))).get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class);
        channel.close();
    }

    @Test
    void shutdownNowClosesOpenChannels() throws Exception {
        UnixSocketChannel channel = group.openChannel();
        channel.connect(address).get(5, TimeUnit.SECONDS);
        try (SocketChannel peer = server.accept()) {
            group.shutdownNow();
            assertThat(channel.isOpen()).isFalse();
            assertThat(group.isShutdown()).isTrue();
            assertThatThrownBy(group::openChannel).isInstanceOf(ShutdownChannelGroupException.class);
        }
    }

    private static <V> CompletionHandler<V, Object> handler(CompletableFuture<V> future) {
        return new CompletionHandler<>() {
            @Override
            public void completed(V result, Object attachment) {
                future.complete(result);
            }

            @Override
            public void failed(Throwable exc, Object attachment) {
                future.completeExceptionally(exc);
            }
        };
    }
}
