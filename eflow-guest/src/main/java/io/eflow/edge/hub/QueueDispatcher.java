package io.eflow.edge.hub;

import io.eflow.edge.hub.message.HubMessage;
import io.eflow.edge.hub.message.HubMessageCodec;
import io.eflow.edge.hub.mqtt.ConnectedClient;
import io.eflow.edge.hub.mqtt.ServerSettings;
import io.eflow.edge.hub.store.Delivery;
import io.eflow.edge.hub.store.EndpointQueue;
import io.eflow.edge.hub.store.StoreException;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Moves one queue of the store to the client it is for (a module's input to the module, the device's cloud-to-device
 * messages to the device), while that client is connected and subscribed. Up to {@link #WINDOW} messages and about
 * {@link #WINDOW_BYTES} bytes are out at once (so what waits for the client's own outbound window is bounded in bytes
 * too), topped up {@link #REFILL} at a time; each is acknowledged in the store only when the client has acknowledged it (PUBACK). A message the client did
 * not take is refused back to the store, which hands it out again first, so a reconnecting client gets its messages
 * in order, at least once.
 */
final class QueueDispatcher implements Runnable {
    private static final System.Logger LOG = System.getLogger(QueueDispatcher.class.getName());
    /** Messages out to the client at once: enough to keep a loopback connection busy, few enough to redeliver. */
    static final int WINDOW = 100;
    /**
     * With the window full, the dispatcher waits for this many acknowledgements before it polls again: waking it for
     * each (a thread switch, a poll and an event-loop hand-over per message) cost more than the message itself, and
     * the {@code WINDOW - REFILL} still out keep the client busy meanwhile.
     */
    static final int REFILL = WINDOW / 4;
    /** The client's outbound window in bytes: more out at once would only wait in its connection's memory. */
    static final long WINDOW_BYTES = ServerSettings.DEFAULT_MAX_OUTBOUND_IN_FLIGHT_BYTES;
    private static final Duration POLL = Duration.ofMillis(500);

    /** The client a queue is for, as the hub finds it. */
    interface Recipient {
        /** The client's link now, when it is connected and subscribed to what the queue holds; else null. */
        ConnectedClient ready();

        /** Sends one message on {@code link}; completes on the client's PUBACK. */
        CompletableFuture<Void> deliver(ConnectedClient link, HubMessage message);
    }

    private final String endpoint;
    private final EndpointQueue queue;
    private final Recipient recipient;
    /** Room in the window, in messages: taken by the dispatcher, given back by acknowledgements and refusals. */
    private final AtomicInteger window = new AtomicInteger(WINDOW);
    /** Payload bytes handed to the client and not yet acknowledged or refused; the budget is taken only when below. */
    private final AtomicLong outBytes = new AtomicLong();
    private final Object wakeUp = new Object();
    private volatile boolean stopped;
    /** The link a delivery last failed on: not used again, its disconnect is on the way. */
    private volatile ConnectedClient failed;

    QueueDispatcher(String endpoint, EndpointQueue queue, Recipient recipient) {
        this.endpoint = endpoint;
        this.queue = queue;
        this.recipient = recipient;
    }

    /** The client connected or subscribed: look again now rather than at the next poll. */
    void wake() {
        synchronized (wakeUp) {
            wakeUp.notifyAll();
        }
    }

    void stop() {
        stopped = true;
        wake();
    }

    @Override
    public void run() {
        try {
            while (!stopped) {
                ConnectedClient link = recipient.ready();
                if (link == null || link == failed) {
                    pause();
                    continue;
                }
                deliver(link);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (StoreException e) {
            if (!stopped) {
                LOG.log(System.Logger.Level.WARNING, "delivery to " + endpoint + " stopped: " + e.getMessage());
            }
        }
    }

    private void deliver(ConnectedClient link) throws InterruptedException {
        if (!awaitRoom()) {
            return;
        }
        long byteRoom = WINDOW_BYTES - outBytes.get();
        int room = window.getAndSet(0);
        List<Delivery> deliveries = queue.poll(room, byteRoom, POLL);
        window.addAndGet(room - deliveries.size());
        for (Delivery delivery : deliveries) {
            int bytes = delivery.payload().length;
            outBytes.addAndGet(bytes);
            HubMessage message;
            try {
                message = HubMessageCodec.decode(delivery.payload());
            } catch (IllegalArgumentException e) {
                // not ours to read (a format from a future version): keeping it would block the queue forever
                LOG.log(System.Logger.Level.ERROR, "dropped an unreadable message for " + endpoint + ": " + e.getMessage());
                queue.ack(delivery.sequence());
                outBytes.addAndGet(-bytes);
                window.incrementAndGet();
                continue;
            }
            recipient.deliver(link, message).whenComplete((ok, error) -> {
                if (error == null) {
                    queue.ack(delivery.sequence());
                } else {
                    failed = link;
                    queue.nack(delivery.sequence());
                }
                boolean refilled = window.incrementAndGet() == REFILL;
                if (outBytes.addAndGet(-bytes) + bytes >= WINDOW_BYTES || refilled) {
                    wake();
                }
            });
        }
    }

    /**
     * Whether there is room to send: at least {@link #REFILL} messages, and bytes below the budget. Else waits, at most a poll's time, for the acknowledgement that makes it (checked under
     * the lock wake() takes, so that wake-up cannot be missed).
     */
    private boolean awaitRoom() throws InterruptedException {
        synchronized (wakeUp) {
            if (hasRoom() || stopped) {
                return hasRoom();
            }
            wakeUp.wait(POLL.toMillis());
            return hasRoom();
        }
    }

    private boolean hasRoom() {
        return window.get() >= REFILL && outBytes.get() < WINDOW_BYTES;
    }

    private void pause() throws InterruptedException {
        synchronized (wakeUp) {
            wakeUp.wait(POLL.toMillis());
        }
    }
}
