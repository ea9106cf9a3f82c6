package io.eflow.channel;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.CompletionHandler;
import java.nio.channels.ConnectionPendingException;
import java.nio.channels.InterruptedByTimeoutException;
import java.nio.channels.ReadPendingException;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnsupportedAddressTypeException;
import java.nio.channels.WritePendingException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An {@link AsynchronousSocketChannel} over a blocking UNIX-domain {@link SocketChannel}, so that MINA's NIO2
 * session code can drive it unchanged. Each operation runs as a blocking call on the group's threads and then calls
 * its completion handler from that thread, as NIO2 does.
 */
final class UnixSocketChannel extends AsynchronousSocketChannel {
    private static final Logger LOG = LoggerFactory.getLogger(UnixSocketChannel.class);

    private final UnixSocketChannelGroup group;
    private final SocketChannel socket;
    private final AtomicBoolean reading = new AtomicBoolean();
    private final AtomicBoolean writing = new AtomicBoolean();
    private final AtomicBoolean connecting = new AtomicBoolean();

    UnixSocketChannel(UnixSocketChannelGroup group) throws IOException {
        super(group.provider());
        this.group = group;
        this.socket = SocketChannel.open(StandardProtocolFamily.UNIX);
    }

    @Override
    public <A> void connect(SocketAddress remote, A attachment, CompletionHandler<Void, ? super A> handler) {
        if (!(remote instanceof UnixDomainSocketAddress target)) {
            throw new UnsupportedAddressTypeException();
        }
        if (!connecting.compareAndSet(false, true)) {
            throw new ConnectionPendingException();
        }
        start(null, 0, TimeUnit.MILLISECONDS, () -> {
            socket.connect(target);
            return null;
        }, attachment, handler);
    }

    @Override
    public Future<Void> connect(SocketAddress remote) {
        CompletableFuture<Void> future = new CompletableFuture<>();
        connect(remote, null, futureHandler(future));
        return future;
    }

    @Override
    public <A> void read(ByteBuffer dst, long timeout, TimeUnit unit, A attachment,
            CompletionHandler<Integer, ? super A> handler) {
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("read-only buffer");
        }
        claim(reading, true);
        start(reading, timeout, unit, () -> socket.read(dst), attachment, handler);
    }

    @Override
    public Future<Integer> read(ByteBuffer dst) {
        CompletableFuture<Integer> future = new CompletableFuture<>();
        read(dst, 0, TimeUnit.MILLISECONDS, null, futureHandler(future));
        return future;
    }

    @Override
    public <A> void read(ByteBuffer[] dsts, int offset, int length, long timeout, TimeUnit unit, A attachment,
            CompletionHandler<Long, ? super A> handler) {
        claim(reading, true);
        start(reading, timeout, unit, () -> socket.read(dsts, offset, length), attachment, handler);
    }

    @Override
    public <A> void write(ByteBuffer src, long timeout, TimeUnit unit, A attachment,
            CompletionHandler<Integer, ? super A> handler) {
        claim(writing, false);
        start(writing, timeout, unit, () -> socket.write(src), attachment, handler);
    }

    @Override
    public Future<Integer> write(ByteBuffer src) {
        CompletableFuture<Integer> future = new CompletableFuture<>();
        write(src, 0, TimeUnit.MILLISECONDS, null, futureHandler(future));
        return future;
    }

    @Override
    public <A> void write(ByteBuffer[] srcs, int offset, int length, long timeout, TimeUnit unit, A attachment,
            CompletionHandler<Long, ? super A> handler) {
        claim(writing, false);
        start(writing, timeout, unit, () -> socket.write(srcs, offset, length), attachment, handler);
    }

    @Override
    public AsynchronousSocketChannel bind(SocketAddress local) throws IOException {
        socket.bind(local);
        return this;
    }

    @Override
    public <T> AsynchronousSocketChannel setOption(SocketOption<T> name, T value) throws IOException {
        socket.setOption(name, value);
        return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        return socket.getOption(name);
    }

    /** Only what a UNIX socket has (buffer sizes, linger): MINA skips the TCP options it does not find here. */
    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return socket.supportedOptions();
    }

    @Override
    public AsynchronousSocketChannel shutdownInput() throws IOException {
        socket.shutdownInput();
        return this;
    }

    @Override
    public AsynchronousSocketChannel shutdownOutput() throws IOException {
        socket.shutdownOutput();
        return this;
    }

    @Override
    public SocketAddress getRemoteAddress() throws IOException {
        return socket.getRemoteAddress();
    }

    @Override
    public SocketAddress getLocalAddress() throws IOException {
        return socket.getLocalAddress();
    }

    @Override
    public boolean isOpen() {
        return socket.isOpen();
    }

    /** Closing the blocking channel also wakes the threads blocked in it, with AsynchronousCloseException. */
    @Override
    public void close() throws IOException {
        try {
            socket.close();
        } finally {
            group.closed(this);
        }
    }

    private void claim(AtomicBoolean pending, boolean read) {
        if (!pending.compareAndSet(false, true)) {
            throw read ? new ReadPendingException() : new WritePendingException();
        }
    }

    private <V, A> void start(AtomicBoolean pending, long timeout, TimeUnit unit, IoCall<V> call, A attachment,
            CompletionHandler<V, ? super A> handler) {
        Operation<V, A> operation = new Operation<>(pending, attachment, handler);
        if (!socket.isOpen()) {
            operation.fail(new ClosedChannelException());
            return;
        }
        try {
            if (timeout > 0) {
                operation.timer = group.schedule(operation::timeOut, timeout, unit);
            }
            group.execute(() -> operation.run(call));
        } catch (RuntimeException e) {
            if (pending != null) {
                pending.set(false);
            }
            throw e;
        }
    }

    private static <V> CompletionHandler<V, Object> futureHandler(CompletableFuture<V> future) {
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

    @FunctionalInterface
    private interface IoCall<V> {
        V call() throws IOException;
    }

    /** One read, write or connect: whichever of completion and timeout comes first reports, the other is dropped. */
    private final class Operation<V, A> {
        private final AtomicBoolean pending;
        private final A attachment;
        private final CompletionHandler<V, ? super A> handler;
        private final AtomicBoolean reported = new AtomicBoolean();
        private volatile ScheduledFuture<?> timer;

        Operation(AtomicBoolean pending, A attachment, CompletionHandler<V, ? super A> handler) {
            this.pending = pending;
            this.attachment = attachment;
            this.handler = handler;
        }

        void run(IoCall<V> call) {
            V result;
            try {
                result = call.call();
            } catch (ClosedChannelException e) {
                // accepted while open, so the channel was closed under the pending operation: NIO2 reports that so
                fail(e instanceof AsynchronousCloseException ? e : new AsynchronousCloseException());
                return;
            } catch (Throwable e) {
                fail(e);
                return;
            }
            if (claimReport()) {
                try {
                    handler.completed(result, attachment);
                } catch (Throwable e) {
                    LOG.warn("completion handler failed on {}", UnixSocketChannel.this, e);
                }
            }
        }

        void fail(Throwable error) {
            if (claimReport()) {
                try {
                    handler.failed(error, attachment);
                } catch (Throwable e) {
                    LOG.warn("failure handler failed on {}", UnixSocketChannel.this, e);
                }
            }
        }

        /**
         * NIO2 leaves a channel whose operation timed out in an unspecified state; closing it is the only way to
         * release the thread blocked in the call, and MINA closes the session on this error anyway.
         */
        void timeOut() {
            if (claimReport()) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // the timeout is what gets reported
                }
                try {
                    handler.failed(new InterruptedByTimeoutException(), attachment);
                } catch (Throwable e) {
                    LOG.warn("failure handler failed on {}", UnixSocketChannel.this, e);
                }
            }
        }

        /** Clears the pending flag before the handler runs: MINA starts the next read from inside completed(). */
        private boolean claimReport() {
            if (!reported.compareAndSet(false, true)) {
                return false;
            }
            ScheduledFuture<?> scheduled = timer;
            if (scheduled != null) {
                scheduled.cancel(false);
            }
            if (pending != null) {
                pending.set(false);
            }
            return true;
        }
    }

    @Override
    public String toString() {
        String remote;
        try {
            remote = String.valueOf(socket.getRemoteAddress());
        } catch (IOException e) {
            remote = "closed";
        }
        return "UnixSocketChannel[" + remote + "]";
    }
}
