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
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Moves one queue of the store to the client it is for (a module's input to the module, the device's cloud-to-device
 * messages to the device), while that client is connected and subscribed. Up to {@link #WINDOW} messages and about
 * {@link #WINDOW_BYTES} bytes are out at once (so what waits for the client's own outbound window is bounded in bytes
 * too); each is acknowledged in the store only when the client has acknowledged it (PUBACK). A message the client did
 * not take is refused back to the store, which hands it out again first, so a reconnecting client gets its messages
 * in order, at least once.
 */
final class QueueDispatcher implements Runnable {
    private static final System.Logger LOG = System.getLogger(QueueDispatcher.class.getName());
    /** Messages out to the client at once: enough to keep a loopback connection busy, few enough to redeliver. */
    static final int WINDOW = 100;
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
    private final Semaphore window = new Semaphore(WINDOW);
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
        if (!window.tryAcquire(POLL.toMillis(), TimeUnit.MILLISECONDS)) {
            return;
        }
        long byteRoom = WINDOW_BYTES - outBytes.get();
        if (byteRoom <= 0) {
            window.release();
            awaitByteRoom();
            return;
        }
        int room = 1 + window.drainPermits();
        List<Delivery> deliveries = queue.poll(room, byteRoom, POLL);
        window.release(room - deliveries.size());
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
                window.release();
                continue;
            }
            recipient.deliver(link, message).whenComplete((ok, error) -> {
                if (error == null) {
                    queue.ack(delivery.sequence());
                } else {
                    failed = link;
                    queue.nack(delivery.sequence());
                }
                window.release();
                if (outBytes.addAndGet(-bytes) + bytes >= WINDOW_BYTES) {
                    wake();
                }
            });
        }
    }

    /** Full in bytes: the acknowledgement that makes room wakes this (checked under the lock wake() takes). */
    private void awaitByteRoom() throws InterruptedException {
        synchronized (wakeUp) {
            if (outBytes.get() >= WINDOW_BYTES && !stopped) {
                wakeUp.wait(POLL.toMillis());
            }
        }
    }

    private void pause() throws InterruptedException {
        synchronized (wakeUp) {
            wakeUp.wait(POLL.toMillis());
        }
    }
}
