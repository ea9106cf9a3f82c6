package io.eflow.samples.module;

import com.microsoft.azure.sdk.iot.device.ConnectionStatusChangeContext;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.ModuleClient;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
import com.microsoft.azure.sdk.iot.device.transport.IotHubConnectionStatus;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A sample's client of its edge hub, kept open by a thread of its own. The SDK reconnects a connection that drops (its
 * retry policy); what it cannot do is open the first connection without a hub, or one again once its retries ran out:
 * that is this thread's, with back-off and at most one log line per ten seconds. Nothing waits for the hub:
 * {@link #send} takes a message when connected and says so, and returns false at once otherwise.
 *
 * <p>Messages leave in the order they were given, one on the wire at a time, as IoT Edge's samples send them (each
 * {@code SendEventAsync} awaited): the SDK puts a message that was on the wire when its connection dropped behind
 * those still waiting, so with several outstanding a reconnection reorders them.
 */
public final class HubConnection implements AutoCloseable {
    static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    static final Duration MAX_RETRY = Duration.ofSeconds(15);
    static final Duration REPORT_INTERVAL = Duration.ofSeconds(10);
    /** Messages taken and not yet sent: beyond it the hub is not keeping up, and {@link #send} says no. */
    static final int OUTBOX = 1000;

    /** What a sample does with its client as it comes up; each step does nothing unless overridden. */
    public interface Setup {
        /** Once, before the client's first open: the callbacks of its inputs (the SDK keeps them for good). */
        default void created(ModuleClient client) {
        }

        /**
         * After every open, on the connection's thread (it may wait on the SDK): subscriptions to direct methods and
         * desired properties, which the SDK keeps across its own reconnections but not across a close.
         */
        default void opened(ModuleClient client) throws IotHubClientException, InterruptedException {
        }

        /**
         * After every connection, the SDK's reconnections included, once {@link #opened} is done: on an SDK thread, so
         * only the SDK's asynchronous calls (a twin read after a reconnection, say).
         */
        default void connected(ModuleClient client) {
        }

        /** The connection dropped (the SDK reconnects) or closed (this connection opens it again); on an SDK thread. */
        default void disconnected() {
        }
    }

    private final Optional<HubAccess> access;
    private final Setup setup;
    private final Log log;
    private final Backoff backoff = new Backoff(FIRST_RETRY, MAX_RETRY);
    private final FailureReport failures = new FailureReport(REPORT_INTERVAL);
    private final Object wakeUp = new Object();
    private volatile ModuleClient client;
    /** The SDK's status: CONNECTED, DISCONNECTED_RETRYING (it reconnects), DISCONNECTED (it gave up, or never was). */
    private volatile IotHubConnectionStatus status = IotHubConnectionStatus.DISCONNECTED;
    /** Opened and set up: a DISCONNECTED after it is news, one during an attempt to open is not. */
    private volatile boolean up;
    private volatile boolean closed;
    private boolean started;
    private final BlockingQueue<Outgoing> outbox = new ArrayBlockingQueue<>(OUTBOX);
    /** Counts the client's opens: a message given to the SDK before a close is the SDK's to end, not ours to wait for. */
    private volatile int opens;

    private record Outgoing(Message message, String output) {
    }

    /** @param access the hub; empty: no hub, nothing is sent (outside IoT Edge) */
    public HubConnection(Optional<HubAccess> access, Setup setup, Log log) {
        this.access = access;
        this.setup = setup;
        this.log = log;
    }

    /** Starts connecting in the background; without a hub, says so. */
    public synchronized HubConnection start() {
        if (started) {
            return this;
        }
        started = true;
        if (access.isEmpty()) {
            log.info("no edge hub (not started by IoT Edge: no " + HubAccess.WORKLOAD_URI + ", no "
                    + HubAccess.CONNECTION_STRING + "): nothing is sent");
            return this;
        }
        log.info("connecting to " + access.get().description());
        Thread sender = new Thread(this::sendInOrder, "edgehub-send");
        sender.setDaemon(true);
        sender.start();
        Thread connector = new Thread(this::keepOpen, "edgehub-connection");
        connector.setDaemon(true);
        connector.start();
        return this;
    }

    public boolean isConnected() {
        return up && status == IotHubConnectionStatus.CONNECTED;
    }

    /**
     * Takes {@code message} for {@code output} when connected; false (nothing sent) otherwise, or when
     * {@value #OUTBOX} taken ones still wait.
     */
    public boolean send(Message message, String output) {
        if (closed || client == null || !isConnected()) {
            return false;
        }
        return outbox.offer(new Outgoing(message, output));
    }

    private void sendInOrder() {
        try {
            while (!closed) {
                Outgoing next = outbox.poll(1, TimeUnit.SECONDS);
                if (next != null && !closed) {
                    sendAndWait(next);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Until the SDK says how it went: it resends across its own reconnections; a close ends the message its way. */
    private void sendAndWait(Outgoing next) throws InterruptedException {
        ModuleClient current = client;
        int open = opens;
        CountDownLatch done = new CountDownLatch(1);
        try {
            current.sendEventAsync(next.message(), (sent, failure, context) -> {
                if (failure != null && !closed) {
                    log.info("a message to " + next.output() + " was not delivered: " + Log.describe(failure));
                }
                done.countDown();
            }, null, next.output());
        } catch (IllegalStateException e) {
            return; // closed meanwhile
        }
        while (!done.await(200, TimeUnit.MILLISECONDS) && !closed && opens == open) {
            // waiting for the PUBACK
        }
    }

    /** Closes the client; a module's stop does not wait for it more than {@link ModuleLifecycle}'s grace. */
    @Override
    public void close() {
        closed = true;
        wake();
        ModuleClient current = client;
        if (current != null) {
            closeQuietly(current);
        }
    }

    private void keepOpen() {
        while (!closed) {
            if (up) {
                pause(Duration.ofSeconds(1)); // the SDK keeps it up; woken when it gives up
                continue;
            }
            try {
                openAndSetUp();
            } catch (IotHubClientException | IOException | RuntimeException e) {
                if (closed) {
                    return;
                }
                Duration retryIn = backoff.next();
                failures.failed(access.orElseThrow().description(), Log.describe(e), retryIn, Instant.now()).ifPresent(log::info);
                if (client != null) {
                    closeQuietly(client);
                }
                pause(retryIn);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void openAndSetUp() throws IotHubClientException, IOException, InterruptedException {
        if (client == null) {
            ModuleClient created = access.orElseThrow().factory().create();
            created.setConnectionStatusChangeCallback(this::statusChanged, null);
            setup.created(created);
            client = created;
        }
        client.open(false);
        opens++;
        setup.opened(client);
        if (closed) {
            closeQuietly(client); // closed while it opened: close() may have come before the client was made
            return;
        }
        up = true;
        failures.succeeded();
        backoff.reset();
        log.info("connected to " + access.orElseThrow().description());
        setup.connected(client);
    }

    private void statusChanged(ConnectionStatusChangeContext change) {
        status = change.getNewStatus();
        if (closed || !up) {
            return; // an attempt to open that fails is told by keepOpen
        }
        String reason = change.getNewStatusReason() + (change.getCause() == null ? "" : ", " + Log.describe(change.getCause()));
        switch (change.getNewStatus()) {
            case DISCONNECTED_RETRYING -> {
                log.info("connection to edgeHub lost (" + reason + "); reconnecting");
                setup.disconnected();
            }
            case CONNECTED -> {
                log.info("reconnected to edgeHub");
                setup.connected(client);
            }
            case DISCONNECTED -> {
                log.info("connection to edgeHub closed (" + reason + "); opening it again");
                up = false;
                setup.disconnected();
                wake();
            }
        }
    }

    private void closeQuietly(ModuleClient current) {
        try {
            current.close();
        } catch (RuntimeException e) {
            // going away, or opening again
        }
    }

    private void pause(Duration duration) {
        synchronized (wakeUp) {
            if (closed) {
                return;
            }
            try {
                wakeUp.wait(Math.max(1, duration.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                closed = true;
            }
        }
    }

    private void wake() {
        synchronized (wakeUp) {
            wakeUp.notifyAll();
        }
    }
}
