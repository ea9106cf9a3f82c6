package io.eflow.edge.hub;

import io.eflow.edge.hub.message.HubMessage;
import io.eflow.edge.hub.message.HubMessageCodec;
import io.eflow.edge.hub.mqtt.ConnectedClient;
import io.eflow.edge.hub.store.Delivery;
import io.eflow.edge.hub.store.EndpointQueue;
import io.eflow.edge.hub.store.StoreException;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Moves one module input's queue to the module, while the module is connected and subscribed to its inputs. Up to
 * {@link #WINDOW} messages are out at once; each is acknowledged in the store only when the module has acknowledged
 * it (PUBACK). A message the module did not take is refused back to the store, which hands it out again first, so a
 * reconnecting module gets its messages in order, at least once.
 */
final class InputDispatcher implements Runnable {
    private static final System.Logger LOG = System.getLogger(InputDispatcher.class.getName());
    /** Messages out to the module at once: enough to keep a loopback connection busy, few enough to redeliver. */
    static final int WINDOW = 100;
    private static final Duration POLL = Duration.ofMillis(500);

    private final Endpoints.ModuleInput target;
    private final EndpointQueue queue;
    private final Function<String, ConnectedClient> links;
    private final Semaphore window = new Semaphore(WINDOW);
    private final Object wakeUp = new Object();
    private volatile boolean stopped;
    /** The link a delivery last failed on: not used again, its disconnect is on the way. */
    private volatile ConnectedClient failed;

    /** @param links the module's current link by module name, or null when it is not connected */
    InputDispatcher(Endpoints.ModuleInput target, EndpointQueue queue, Function<String, ConnectedClient> links) {
        this.target = target;
        this.queue = queue;
        this.links = links;
    }

    /** The module connected or subscribed: look again now rather than at the next poll. */
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
                ConnectedClient link = links.apply(target.module());
                if (link == null || link == failed || !link.acceptsInput(target.input())) {
                    pause();
                    continue;
                }
                deliver(link);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (StoreException e) {
            if (!stopped) {
                LOG.log(System.Logger.Level.WARNING, "delivery to " + target.endpoint() + " stopped: " + e.getMessage());
            }
        }
    }

    private void deliver(ConnectedClient link) throws InterruptedException {
        if (!window.tryAcquire(POLL.toMillis(), TimeUnit.MILLISECONDS)) {
            return;
        }
        int room = 1 + window.drainPermits();
        List<Delivery> deliveries = queue.poll(room, POLL);
        window.release(room - deliveries.size());
        for (Delivery delivery : deliveries) {
            HubMessage message;
            try {
                message = HubMessageCodec.decode(delivery.payload());
            } catch (IllegalArgumentException e) {
                // not ours to read (a format from a future version): keeping it would block the queue forever
                LOG.log(System.Logger.Level.ERROR, "dropped an unreadable message for " + target.endpoint() + ": " + e.getMessage());
                queue.ack(delivery.sequence());
                window.release();
                continue;
            }
            link.deliverInput(target.input(), message).whenComplete((ok, error) -> {
                if (error == null) {
                    queue.ack(delivery.sequence());
                } else {
                    failed = link;
                    queue.nack(delivery.sequence());
                }
                window.release();
            });
        }
    }

    private void pause() throws InterruptedException {
        synchronized (wakeUp) {
            wakeUp.wait(POLL.toMillis());
        }
    }
}
