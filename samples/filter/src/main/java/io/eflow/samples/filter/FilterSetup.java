package io.eflow.samples.filter;

import com.microsoft.azure.sdk.iot.device.IotHubMessageResult;
import com.microsoft.azure.sdk.iot.device.IotHubStatusCode;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.ModuleClient;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
import com.microsoft.azure.sdk.iot.device.twin.TwinCollection;
import io.eflow.samples.module.Backoff;
import io.eflow.samples.module.HubConnection;
import io.eflow.samples.module.Log;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The filter's part in its connection: its input, its twin, and the order of the two. After each connection the
 * whole twin is read before any reading is judged: readings that come first (the hub may hold some in its queue) are
 * held, and judged once the twin's threshold is applied. A twin that cannot be read is asked again with back-off while
 * connected, and so is one whose answer does not come: the SDK waits minutes for an answer lost in a reconnection. The SDK hands over readings and twin answers one at a time, in the order they came. A held reading is
 * acknowledged to the hub already (the SDK has no "not yet" for MQTT): one that is held when the module stops is lost.
 */
final class FilterSetup implements HubConnection.Setup {
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration MAX_RETRY = Duration.ofSeconds(15);
    /** How long a twin read waits for its answer before it is asked again. */
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(5);

    private final MessageFilter filter;
    private final Log log;
    private final TwinThreshold threshold;
    private final Backoff retries = new Backoff(FIRST_RETRY, MAX_RETRY);
    private final ScheduledExecutorService retry = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "twin-retry");
        thread.setDaemon(true);
        return thread;
    });
    private final List<Message> held = new ArrayList<>();
    private HubConnection hub;
    private volatile ModuleClient client;
    /** Whether the twin was read since the last connection: until then readings wait in {@link #held}. */
    private boolean twinRead;

    FilterSetup(MessageFilter filter, Log log) {
        this.filter = filter;
        this.log = log;
        this.threshold = new TwinThreshold(filter, log, this::report, this::readTwin);
    }

    void sendingTo(HubConnection hub) {
        this.hub = hub;
    }

    @Override
    public void created(ModuleClient client) {
        this.client = client;
        client.setMessageCallback(MessageFilter.INPUT, (message, context) -> {
            received(message);
            return IotHubMessageResult.COMPLETE;
        }, null);
    }

    @Override
    public void opened(ModuleClient client) throws IotHubClientException, InterruptedException {
        client.subscribeToDesiredProperties((twin, context) -> threshold.patch(twin.getDesiredProperties()), null);
    }

    @Override
    public void connected(ModuleClient client) {
        synchronized (held) {
            twinRead = false;
        }
        retries.reset();
        readTwin();
    }

    @Override
    public void disconnected() {
        synchronized (held) {
            twinRead = false; // what comes after the reconnection waits for the twin read then
        }
    }

    /**
     * Judged under the lock the twin read releases the held readings under: a reading that comes as they are released
     * waits for them, so alerts leave in the order their readings came.
     */
    private void received(Message reading) {
        synchronized (held) {
            if (!twinRead) {
                held.add(reading);
                return;
            }
            judge(reading);
        }
    }

    private void judge(Message reading) {
        MessageFilter.Decision decision = filter.decide(reading);
        if (decision instanceof MessageFilter.Alert alert) {
            boolean sent = hub.send(alert.alert(), MessageFilter.OUTPUT);
            log.info("machine temperature " + MessageFilter.format(alert.temperature()) + " above "
                    + MessageFilter.format(alert.threshold()) + ": alert "
                    + (sent ? "sent to " + MessageFilter.OUTPUT : "not sent (no edgeHub connection)"));
        } else if (decision instanceof MessageFilter.Below below) {
            log.info("machine temperature " + MessageFilter.format(below.temperature()) + " not above "
                    + MessageFilter.format(below.threshold()) + ": dropped");
        } else if (decision instanceof MessageFilter.Ignored ignored) {
            log.info("ignored a message on " + MessageFilter.INPUT + ": " + ignored.reason());
        }
    }

    private void readTwin() {
        ModuleClient current = client;
        AtomicBoolean answered = new AtomicBoolean();
        retry.schedule(() -> {
            if (!answered.get() && current == client && hub.isConnected()) {
                log.info("no answer to the module twin read within " + ANSWER_TIMEOUT.toSeconds() + " s: asking again");
                readTwin();
            }
        }, ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        try {
            current.getTwinAsync((twin, failure, context) -> {
                answered.set(true); // a late answer to an earlier read applies too: the whole twin, again
                if (failure != null || twin == null) {
                    twinFailed(failure);
                    return;
                }
                retries.reset();
                threshold.whole(twin.getDesiredProperties());
                synchronized (held) {
                    twinRead = true;
                    held.forEach(this::judge);
                    held.clear();
                }
            }, null);
        } catch (RuntimeException e) {
            answered.set(true);
            twinFailed(e);
        }
    }

    private void twinFailed(Throwable failure) {
        boolean again = hub.isConnected();
        Duration retryIn = retries.next();
        log.info("could not read the module twin: " + Log.describe(failure)
                + (again ? "; trying again in " + retryIn.toSeconds() + " s" : ""));
        if (again) {
            retry.schedule(() -> {
                if (hub.isConnected()) {
                    readTwin();
                }
            }, retryIn.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private CompletableFuture<?> report(Map<String, Object> properties) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        client.updateReportedPropertiesAsync(new TwinCollection(properties), (status, response, failure, context) -> {
            if (failure != null) {
                done.completeExceptionally(failure);
            } else if (status != IotHubStatusCode.OK) {
                done.completeExceptionally(new IllegalStateException("the hub answered " + status));
            } else {
                done.complete(null);
            }
        }, null);
        return done;
    }
}
