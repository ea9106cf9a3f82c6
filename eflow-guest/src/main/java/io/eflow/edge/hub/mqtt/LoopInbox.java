package io.eflow.edge.hub.mqtt;

import io.netty.channel.EventLoop;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One connection's work handed to its event loop by other threads: a dispatcher's deliveries, the store's synced
 * acknowledgements. A burst of them (a dispatcher's poll, a synced batch of PUBACKs) costs one event-loop task and at
 * most one wake-up of the loop, not one of each per message, which is most of what a hand-over between threads costs.
 * Tasks run in the order they were handed over.
 */
final class LoopInbox {
    private static final System.Logger LOG = System.getLogger(LoopInbox.class.getName());
    /** Tasks one drain runs before it lets the loop do its I/O and queues itself again. */
    private static final int MAX_PER_DRAIN = 256;

    private record Task(Runnable onLoop, Runnable whenShutDown) {
    }

    private final EventLoop loop;
    private final ConcurrentLinkedQueue<Task> tasks = new ConcurrentLinkedQueue<>();
    /** A drain is queued on the loop and has not yet started taking tasks. */
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private volatile boolean loopGone;

    LoopInbox(EventLoop loop) {
        this.loop = loop;
    }

    /** Runs {@code task} on the loop, or {@code whenShutDown} (on this thread) if the loop has shut down. */
    void execute(Runnable task, Runnable whenShutDown) {
        tasks.add(new Task(task, whenShutDown));
        if (loopGone) {
            // the loop took its last drain already: whoever sees it gone hands the leftovers their shutdown
            failAll();
        } else if (scheduled.compareAndSet(false, true)) {
            schedule();
        }
    }

    private void schedule() {
        try {
            loop.execute(this::drain);
        } catch (RejectedExecutionException e) {
            loopGone = true;
            failAll();
        }
    }

    private void drain() {
        // cleared before taking, so a task added from here on schedules another drain or is taken by this one
        scheduled.set(false);
        for (int i = 0; i < MAX_PER_DRAIN; i++) {
            Task task = tasks.poll();
            if (task == null) {
                return;
            }
            try {
                task.onLoop().run();
            } catch (RuntimeException e) {
                // as the event loop itself treats a failing task: logged, and the others still run
                LOG.log(System.Logger.Level.WARNING, "a task on an MQTT connection's event loop failed", e);
            }
        }
        if (!tasks.isEmpty() && scheduled.compareAndSet(false, true)) {
            schedule();
        }
    }

    private void failAll() {
        for (Task task = tasks.poll(); task != null; task = tasks.poll()) {
            task.whenShutDown().run();
        }
    }
}
