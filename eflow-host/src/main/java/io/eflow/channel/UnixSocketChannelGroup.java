package io.eflow.channel;

import io.eflow.platform.DaemonThreads;

import java.io.IOException;
import java.nio.channels.AsynchronousChannelGroup;
import java.nio.channels.ShutdownChannelGroupException;
import java.nio.channels.spi.AsynchronousChannelProvider;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The threads behind {@link UnixSocketChannel}s. The JDK has no asynchronous UNIX-domain socket channel, so every
 * operation is a blocking call run here; a connection keeps one thread parked in read() for its whole life, hence a
 * cached pool (a fixed one would stall once connections outnumber threads).
 */
final class UnixSocketChannelGroup extends AsynchronousChannelGroup {
    private final ExecutorService io;
    private final ScheduledExecutorService timeouts;
    private final Set<UnixSocketChannel> channels = ConcurrentHashMap.newKeySet();
    private volatile boolean shutdown;

    UnixSocketChannelGroup(String name) {
        super(AsynchronousChannelProvider.provider());
        this.io = Executors.newCachedThreadPool(DaemonThreads.numbered(name + "-io"));
        this.timeouts = Executors.newSingleThreadScheduledExecutor(DaemonThreads.numbered(name + "-timeout"));
    }

    UnixSocketChannel openChannel() throws IOException {
        if (shutdown) {
            throw new ShutdownChannelGroupException();
        }
        UnixSocketChannel channel = new UnixSocketChannel(this);
        channels.add(channel);
        return channel;
    }

    void execute(Runnable task) {
        try {
            io.execute(task);
        } catch (RejectedExecutionException e) {
            throw new ShutdownChannelGroupException();
        }
    }

    ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
        try {
            return timeouts.schedule(task, delay, unit);
        } catch (RejectedExecutionException e) {
            throw new ShutdownChannelGroupException();
        }
    }

    void closed(UnixSocketChannel channel) {
        channels.remove(channel);
        if (shutdown && channels.isEmpty()) {
            stopThreads();
        }
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public boolean isTerminated() {
        return io.isTerminated() && timeouts.isTerminated();
    }

    /** As the contract says: no new channels, and the threads end once the open channels are closed. */
    @Override
    public void shutdown() {
        shutdown = true;
        if (channels.isEmpty()) {
            stopThreads();
        }
    }

    @Override
    public void shutdownNow() throws IOException {
        shutdown = true;
        for (UnixSocketChannel channel : List.copyOf(channels)) {
            channel.close();
        }
        io.shutdownNow();
        timeouts.shutdownNow();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        return io.awaitTermination(timeout, unit)
                && timeouts.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    private void stopThreads() {
        io.shutdown();
        timeouts.shutdown();
    }
}
