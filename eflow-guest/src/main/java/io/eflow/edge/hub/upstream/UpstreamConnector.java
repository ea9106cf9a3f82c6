package io.eflow.edge.hub.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import io.eflow.edge.hub.message.HubMessage;
import io.eflow.edge.hub.message.HubMessageCodec;
import io.eflow.edge.hub.message.HubMessageCodec.MalformedMessageException;
import io.eflow.edge.hub.store.Delivery;
import io.eflow.edge.hub.store.EndpointMetrics;
import io.eflow.edge.hub.store.EndpointQueue;
import io.eflow.edge.hub.store.MessageStore;
import io.eflow.edge.hub.store.StoreException;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.ERROR;
import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

/**
 * The edge hub's link to the cloud: sends what the routes stored for {@code $upstream}, in store order, and keeps
 * at it through outages.
 *
 * <h2>Order and acknowledgement</h2>
 * One thread polls the store for as many messages as the window has room for and publishes each at QoS 1. A message
 * is acknowledged in the store only when the endpoint's PUBACK for it arrives (an MQTT 3.1.1 server sends them in
 * publish order). When the connection breaks, the connection is abandoned with everything it still holds and every
 * message without its PUBACK is refused back to the store, which hands refused messages out again before newer
 * ones, in store order; only then is a new connection opened. So the endpoint sees the messages in store order,
 * a message at least once, and a resent run only after an outage (a PUBACK lost with the connection).
 *
 * <h2>Outages</h2>
 * Reconnects wait 1 s after a loss, doubling after each refused attempt up to 30 s, back to 1 s after a success
 * ({@link UpstreamOptions}). Meanwhile messages stay in the store, whose time-to-live drops (and counts) those that
 * wait too long; {@link #status()} says since when the link is down and why. A publish left without its PUBACK
 * for {@link UpstreamOptions#ackTimeout()} counts as a loss, which catches connections that die silently.
 *
 * <h2>IoT Hub</h2>
 * The SAS token's renewal is an orderly reconnect: publishing pauses, the PUBACKs due are awaited, and the link
 * reconnects with a fresh token at once. The device twin's desired properties go to {@code onDesired}, on a thread
 * of its own (a slow consumer does not hold up PUBACKs), as the whole desired document each time it changes.
 */
public final class UpstreamConnector implements AutoCloseable {
    /** The store endpoint routes name with {@code INTO $upstream}. */
    public static final String ENDPOINT = "$upstream";
    /** The store endpoint of the device's cloud-to-device messages, which the hub delivers to the device's client. */
    public static final String DEVICEBOUND = "$devicebound";

    private static final System.Logger LOG = System.getLogger(UpstreamConnector.class.getName());
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(2);
    private static final int MAX_TOPIC_BYTES = 65_535;

    private final EndpointQueue queue;
    private final UpstreamSettings settings;
    private final UpstreamOptions options;
    private final Consumer<JsonNode> onDesired;
    private final CloudMethods methods;
    private final ModuleTwinSync moduleTwins;
    private final CloudToDevice cloudToDevice;
    /** The links in use, for method answers that come from other threads; null between connections. */
    private volatile Links current;
    private final Optional<DesiredTwin> twin;
    private final ExecutorService desiredCallbacks;
    private final Thread sender;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong unsendable = new AtomicLong();
    private final AtomicLong reportRids = new AtomicLong();
    private final Object reports = new Object();
    private JsonNode latestReport;
    private boolean reportSent;

    // status, guarded by this
    private boolean connected;
    private String lastError;
    private Instant disconnectedSince = Instant.now();
    private long reconnects;

    private UpstreamConnector(MessageStore store, UpstreamSettings settings, UpstreamOptions options,
                              Consumer<JsonNode> onDesired, CloudMethods methods, CloudTwins twins) {
        this.queue = store.queue(ENDPOINT);
        this.settings = Objects.requireNonNull(settings, "settings");
        this.options = Objects.requireNonNull(options, "options");
        this.onDesired = Objects.requireNonNull(onDesired, "onDesired");
        this.methods = Objects.requireNonNull(methods, "methods");
        this.twin = settings.twin() ? Optional.of(new DesiredTwin()) : Optional.empty();
        this.desiredCallbacks = Executors.newSingleThreadExecutor(r -> daemon(r, "upstream-desired"));
        this.moduleTwins = new ModuleTwinSync(Objects.requireNonNull(twins, "twins"), desiredCallbacks);
        this.cloudToDevice = new CloudToDevice(store, settings.deviceId());
        this.sender = daemon(this::run, "upstream-sender");
    }

    /** Starts sending {@code $upstream}'s messages with the default pacing. */
    public static UpstreamConnector start(MessageStore store, UpstreamSettings settings, Consumer<JsonNode> onDesired) {
        return start(store, settings, UpstreamOptions.defaults(), onDesired);
    }

    /**
     * Starts sending {@code $upstream}'s messages.
     *
     * @param onDesired the twin's whole desired properties after each connect and each change (IoT Hub only)
     */
    public static UpstreamConnector start(MessageStore store, UpstreamSettings settings, UpstreamOptions options,
                                          Consumer<JsonNode> onDesired) {
        return start(store, settings, options, onDesired, CloudMethods.NONE);
    }

    /**
     * Starts sending {@code $upstream}'s messages, and answering IoT Hub's direct methods for the link's identities
     * with {@code methods} (an edge device's modules).
     */
    public static UpstreamConnector start(MessageStore store, UpstreamSettings settings, UpstreamOptions options,
                                          Consumer<JsonNode> onDesired, CloudMethods methods) {
        return start(store, settings, options, onDesired, methods, CloudTwins.NONE);
    }

    /**
     * Starts sending {@code $upstream}'s messages, answering IoT Hub's direct methods for the link's identities with
     * {@code methods} and keeping their twins in step with {@code twins} (an edge device's modules).
     */
    public static UpstreamConnector start(MessageStore store, UpstreamSettings settings, UpstreamOptions options,
                                          Consumer<JsonNode> onDesired, CloudMethods methods, CloudTwins twins) {
        UpstreamConnector connector = new UpstreamConnector(store, settings, options, onDesired, methods, twins);
        connector.sender.start();
        return connector;
    }

    public UpstreamStatus status() {
        EndpointMetrics metrics = queue.metrics();
        synchronized (this) {
            return new UpstreamStatus(connected, settings.endpoint(), Optional.ofNullable(lastError),
                    Optional.ofNullable(disconnectedSince), sent.get(), reconnects, unsendable.get(),
                    metrics.queueLength(), metrics.expired());
        }
    }

    /**
     * Stops: awaits briefly the PUBACKs already due, disconnects, and refuses the rest back to the store, which
     * keeps them for the next start.
     */
    @Override
    public void close() {
        closing.countDown();
        try {
            sender.join(options.connectTimeout().plus(options.ackTimeout()).plusSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (sender.isAlive()) {
            LOG.log(WARNING, "the upstream sender did not stop in time; it ends with the process");
        }
        desiredCallbacks.shutdown();
    }

    /**
     * Sets the twin's reported properties to {@code reported} (IoT Hub merges it as a patch): sent at once when
     * connected, and again at each new connection, so what IoT Hub shows catches up after an outage. For
     * {@code $edgeHub}, which the upstream connects as; nothing is sent to a broker.
     */
    public void report(JsonNode reported) {
        synchronized (reports) {
            latestReport = reported.deepCopy();
            reportSent = false;
        }
    }

    /**
     * Module {@code module}'s own reported-properties patch, for its twin in IoT Hub: sent at once when its connection
     * is up; otherwise the difference is sent when it is next connected.
     */
    public void reportModule(String module, JsonNode patch) {
        moduleTwins.reported(module, patch);
    }

    /** The reported properties to send now: the latest, once per connection or change. */
    private Optional<byte[]> reportDue() {
        if (twin.isEmpty()) {
            return Optional.empty();
        }
        synchronized (reports) {
            if (latestReport == null || reportSent) {
                return Optional.empty();
            }
            reportSent = true;
            return Optional.of(latestReport.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    private enum End { LOST, RENEW, CLOSE }

    private void run() {
        Backoff backoff = new Backoff(options.initialBackoff(), options.maxBackoff());
        boolean recovering = false;
        int refusals = 0;
        while (!closed()) {
            Instant signedAt = Instant.now();
            long signedAtNanos = System.nanoTime();
            UpstreamSettings.Login login = settings.login(signedAt);
            twin.ifPresent(DesiredTwin::connected);
            synchronized (reports) {
                reportSent = false; // a new connection: IoT Hub may have missed the last one
            }
            Links link;
            try {
                link = new Links(settings, options, settings.firstIdentity(), Instant.now(), subscriptions(),
                        this::acknowledged, (identity, topic, payload) -> arrived(identity, topic, payload));
            } catch (ConnectionException | RuntimeException e) {
                Duration wait = backoff.next();
                refused(e instanceof ConnectionException ? e.getMessage()
                        : "cannot connect to " + settings.endpoint() + ": " + UpstreamConnection.describe(e), ++refusals, wait);
                recovering = true;
                pause(wait);
                continue;
            }
            current = link;
            moduleTwins.connected(link);
            backoff.reset();
            up(recovering);
            refusals = 0;
            End end;
            try {
                end = pump(link, login.renewAt().map(at -> LoginRenewal.of(at, signedAt, signedAtNanos)));
                if (end != End.LOST) {
                    link.awaitAcks((end == End.RENEW ? options.ackTimeout() : CLOSE_GRACE).toNanos());
                }
            } catch (InterruptedException e) {
                closing.countDown();
                end = End.CLOSE;
            } catch (RuntimeException e) {
                // a fault of this runtime rather than of the link: start over on a new connection, do not stop sending
                LOG.log(ERROR, "upstream: unexpected failure while sending; reconnecting", e);
                link.broke(e);
                end = End.LOST;
            }
            current = null;
            moduleTwins.disconnected();
            Throwable cause = link.broken();
            for (long sequence : link.close()) {
                queue.nack(sequence);
            }
            recovering = end == End.LOST;
            if (end == End.LOST) {
                down(cause);
                pause(backoff.next());
            } else if (end == End.CLOSE) {
                synchronized (this) {
                    connected = false;
                }
            }
            // a renewal reconnects at once and stays "connected" unless the new connection is refused
        }
    }

    /** Sends until the link breaks, its login is due for renewal, or the connector closes. */
    private End pump(Links link, Optional<LoginRenewal> renewal) throws InterruptedException {
        while (true) {
            if (closed()) {
                return End.CLOSE;
            }
            if (link.broken() != null) {
                return End.LOST;
            }
            if (renewal.isPresent() && renewal.get().due(Instant.now(), System.nanoTime())) {
                LOG.log(DEBUG, "upstream: renewing the login to {0}", settings.endpoint());
                return End.RENEW;
            }
            long now = System.nanoTime();
            if (link.oldestWaitNanos(now) > options.ackTimeout().toNanos()) {
                link.broke(new ConnectionException("no PUBACK from " + settings.endpoint() + " in "
                        + options.ackTimeout().toSeconds() + " s", null));
                return End.LOST;
            }
            twin.flatMap(t -> t.request(now)).ifPresent(link::publishOnce);
            link.openMissing(settings.eagerIdentities());
            if (settings.moduleTwins()) {
                moduleTwins.tick(link, this::hasModuleTwin, now);
            }
            reportDue().ifPresent(patch -> link.publishOnce(Topics.reportedPatch("r" + reportRids.incrementAndGet()), patch));
            int room = link.awaitRoom(options.window(), TICK_NANOS);
            if (room == 0) {
                continue;
            }
            List<Delivery> batch;
            try {
                batch = queue.poll(room, Duration.ofNanos(TICK_NANOS));
            } catch (StoreException e) {
                storeFailed(e);
                pause(options.initialBackoff());
                continue;
            }
            send(link, batch);
        }
    }

    private void send(Links link, List<Delivery> batch) {
        for (int i = 0; i < batch.size(); i++) {
            Delivery delivery = batch.get(i);
            HubMessage message;
            try {
                message = HubMessageCodec.decode(delivery.payload());
            } catch (MalformedMessageException e) {
                drop(delivery, "it is not a hub message: " + e.getMessage());
                continue;
            }
            String identity = settings.identityOf(message);
            String topic = settings.topic(identity, message);
            int topicBytes = topic.getBytes(StandardCharsets.UTF_8).length;
            if (topicBytes > MAX_TOPIC_BYTES) {
                drop(delivery, "its properties take " + topicBytes + " bytes, more than an MQTT topic holds");
                continue;
            }
            if (settings.maxMessageBytes().isPresent()
                    && message.bodyLength() + topicBytes > settings.maxMessageBytes().getAsInt()) {
                drop(delivery, "its " + (message.bodyLength() + topicBytes) + " bytes are more than the "
                        + settings.maxMessageBytes().getAsInt() + " the endpoint takes");
                continue;
            }
            boolean taken;
            try {
                taken = link.publish(identity, delivery.sequence(), topic, message.body());
            } catch (IllegalArgumentException e) {
                drop(delivery, "MQTT cannot carry it: " + e.getMessage());
                continue;
            }
            if (!taken) {
                // the link broke: these go back to the store with the link's unacknowledged ones, in order
                for (Delivery unsent : batch.subList(i, batch.size())) {
                    queue.nack(unsent.sequence());
                }
                return;
            }
        }
    }

    /** A message no endpoint will ever take: kept, it would hold up every message behind it. */
    private void drop(Delivery delivery, String why) {
        LOG.log(ERROR, "upstream: stored message {0} from {1} dropped, {2}", delivery.sequence(), delivery.source(), why);
        unsendable.incrementAndGet();
        queue.ack(delivery.sequence());
    }

    private List<String> subscriptions() {
        return twin.isPresent() ? List.of(Topics.TWIN_RESPONSES + "#", Topics.TWIN_DESIRED_PATCHES + "#") : List.of();
    }

    private void acknowledged(long sequence) {
        if (queue.ack(sequence)) {
            sent.incrementAndGet();
        }
    }

    /** Whether {@code identity}'s connection follows a module twin: not the first's, nor the device's own. */
    private boolean hasModuleTwin(String identity) {
        return !identity.equals(settings.firstIdentity()) && !isCloudToDevice(identity);
    }

    private boolean isCloudToDevice(String identity) {
        return settings.cloudToDeviceIdentity().filter(identity::equals).isPresent();
    }

    private void arrived(String identity, String topic, byte[] payload) {
        if (isCloudToDevice(identity)) {
            cloudToDevice.keep(topic, payload);
            return;
        }
        if (topic.startsWith(Topics.METHOD_CALLS)) {
            call(identity, topic, payload);
            return;
        }
        if (!identity.equals(settings.firstIdentity()) && moduleTwins.arrived(identity, topic, payload)) {
            return;
        }
        arrived(topic, payload);
    }

    /** A direct method from IoT Hub for {@code identity}: handed over, its answer sent back on the same connection. */
    private void call(String identity, String topic, byte[] payload) {
        String rest = topic.substring(Topics.METHOD_CALLS.length());
        int slash = rest.indexOf('/');
        String method = slash < 0 ? rest : rest.substring(0, slash);
        String rid = Topics.parameter(topic, "$rid");
        methods.call(identity, method, payload).whenComplete((answer, error) -> {
            CloudMethods.Answer sent = answer != null ? answer : new CloudMethods.Answer(500,
                    ("{\"message\":\"" + String.valueOf(error).replace("\"", "'") + "\"}").getBytes(StandardCharsets.UTF_8));
            Links links = current;
            if (links != null) {
                links.respond(identity, Topics.methodAnswer(sent.status(), rid), sent.payload());
            }
        });
    }

    private void arrived(String topic, byte[] payload) {
        twin.flatMap(t -> t.arrived(topic, payload)).ifPresent(desired -> desiredCallbacks.execute(() -> {
            try {
                onDesired.accept(desired);
            } catch (RuntimeException e) {
                LOG.log(ERROR, "the desired properties from upstream were not taken", e);
            }
        }));
    }

    private synchronized void up(boolean again) {
        if (again) {
            reconnects++;
            LOG.log(INFO, "upstream: connected to {0} again after {1}", settings.endpoint(),
                    Duration.between(disconnectedSince, Instant.now()));
        } else {
            LOG.log(DEBUG, "upstream: connected to {0}", settings.endpoint());
        }
        connected = true;
        disconnectedSince = null;
    }

    private synchronized void down(Throwable cause) {
        connected = false;
        disconnectedSince = Instant.now();
        lastError = "connection to " + settings.endpoint() + " lost: " + (cause == null ? "unknown" : UpstreamConnection.describe(cause));
        LOG.log(WARNING, "upstream: {0}; messages wait in the store", lastError);
    }

    private synchronized void refused(String why, int attempt, Duration wait) {
        connected = false;
        if (disconnectedSince == null) {
            disconnectedSince = Instant.now();
        }
        lastError = why;
        // the first refusal says what is wrong; the rest of an outage is the same story
        LOG.log(attempt == 1 ? WARNING : DEBUG, "upstream: {0}; trying again in {1} ms", lastError, wait.toMillis());
    }

    private synchronized void storeFailed(StoreException e) {
        lastError = "the message store cannot hand out upstream's messages: " + e.getMessage();
        LOG.log(ERROR, "upstream: {0}", lastError);
    }

    private boolean closed() {
        return closing.getCount() == 0;
    }

    private void pause(Duration wait) {
        try {
            closing.await(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closing.countDown();
        }
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }
}
