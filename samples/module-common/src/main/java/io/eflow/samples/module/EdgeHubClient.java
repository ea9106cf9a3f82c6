package io.eflow.samples.module;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.MqttTopic;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A module's MQTT 3.1.1 connection to its edge hub, kept up by a thread of its own: it connects, subscribes to the
 * module's inputs, and when the hub cannot be reached or the connection drops it tries again with back-off,
 * logging at most one line per ten seconds about it. Nothing waits for the hub: {@link #publish} sends when
 * connected (QoS 1) and says so, and returns false at once otherwise.
 *
 * <p>After every (re)connection the connection's thread takes the steps in the order they were given: each
 * {@link #subscribe subscription}, and each {@link #onConnected} step where it stands among them. A step may wait
 * (a module's twin is read before its inputs are subscribed, as IoT Edge's samples do); the MQTT callback thread
 * never does.
 */
public final class EdgeHubClient implements AutoCloseable {
    /** Handles one message of a subscription, on the MQTT client's callback thread: quick, no blocking calls. */
    @FunctionalInterface
    public interface MessageHandler {
        void handle(String topic, byte[] payload);
    }

    static final int QOS = 1;
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    static final Duration MAX_RETRY = Duration.ofSeconds(15);
    static final Duration REPORT_INTERVAL = Duration.ofSeconds(10);

    /** Paho logs through java.util.logging; its connection events are ours to tell, only its errors are kept. */
    private static final Logger PAHO_LOGGER = Logger.getLogger("org.eclipse.paho.client.mqttv3");

    static {
        PAHO_LOGGER.setLevel(Level.SEVERE);
    }

    private final ModuleSettings settings;
    private final Log log;
    private final MqttAsyncClient client;
    private final Map<String, MessageHandler> subscriptions = new LinkedHashMap<>();
    /** The subscriptions' filters (String) and the {@link #onConnected} steps (Runnable), in the order given. */
    private final List<Object> steps = new ArrayList<>();
    private final Backoff backoff = new Backoff(FIRST_RETRY, MAX_RETRY);
    private final FailureReport failures = new FailureReport(REPORT_INTERVAL);
    private final Object wakeUp = new Object();
    private volatile boolean closed;
    private Thread connector;

    public EdgeHubClient(ModuleSettings settings, Log log) {
        this.settings = settings;
        this.log = log;
        try {
            this.client = new MqttAsyncClient(settings.serverUri(), settings.clientId(), new MemoryPersistence());
        } catch (MqttException e) {
            throw new IllegalArgumentException("cannot make an MQTT client for " + settings.serverUri(), e);
        }
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                if (!closed) {
                    log.info("connection to edgeHub lost: " + Log.describe(cause));
                }
                wake();
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                dispatch(topic, message.getPayload());
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
    }

    /** Subscribes (QoS 1) on every connection; call before {@link #start}. */
    public synchronized EdgeHubClient subscribe(String topicFilter, MessageHandler handler) {
        if (connector != null) {
            throw new IllegalStateException("subscribe before start");
        }
        MqttTopic.validate(topicFilter, true);
        if (subscriptions.put(topicFilter, handler) == null) {
            steps.add(topicFilter);
        }
        return this;
    }

    /**
     * A step after every (re)connection, on the connection's own thread, once the subscriptions given before it are
     * made and before those given after it; call before {@link #start}. It may wait, but not for ever: the rest of
     * the connection waits with it. What it throws is logged, and the connection goes on.
     */
    public synchronized EdgeHubClient onConnected(Runnable step) {
        if (connector != null) {
            throw new IllegalStateException("add connection steps before start");
        }
        steps.add(step);
        return this;
    }

    /** Starts connecting in the background. */
    public synchronized void start() {
        if (connector != null) {
            return;
        }
        connector = new Thread(this::keepConnected, "edgehub-connection");
        connector.setDaemon(true);
        connector.start();
    }

    public boolean isConnected() {
        return client.isConnected();
    }

    /** Sends with QoS 1 when connected; false (and nothing sent) when not, or when the client refuses it. */
    public boolean publish(String topic, byte[] payload) {
        if (closed || !client.isConnected()) {
            return false;
        }
        MqttMessage message = new MqttMessage(payload);
        message.setQos(QOS);
        try {
            client.publish(topic, message);
            return true;
        } catch (MqttException | RuntimeException e) {
            log.error("could not send to " + topic, e);
            return false;
        }
    }

    /** Disconnects without waiting for the hub more than a few hundred milliseconds. */
    @Override
    public void close() {
        closed = true;
        wake();
        try {
            if (client.isConnected()) {
                client.disconnectForcibly(0, 250, false);
            }
        } catch (MqttException | RuntimeException e) {
            // going away anyway
        }
        try {
            client.close(true);
        } catch (MqttException | RuntimeException e) {
            // going away anyway
        }
    }

    private void keepConnected() {
        while (!closed) {
            if (client.isConnected()) {
                pause(Duration.ofSeconds(1)); // woken at once when the connection drops
                continue;
            }
            try {
                connectAndSubscribe();
                failures.succeeded();
                backoff.reset();
            } catch (MqttException | RuntimeException e) {
                if (closed) {
                    return;
                }
                Duration retryIn = backoff.next();
                failures.failed("edgeHub at " + settings.serverUri(), reason(e), retryIn, Instant.now())
                        .ifPresent(log::info);
                disconnectQuietly();
                pause(retryIn);
            }
        }
    }

    private void connectAndSubscribe() throws MqttException {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setUserName(settings.username());
        settings.password(Instant.now()).ifPresent(token -> options.setPassword(token.toCharArray()));
        settings.caFile().ifPresent(file -> options.setSocketFactory(TrustedCa.socketFactory(Path.of(file))));
        options.setCleanSession(true);
        options.setAutomaticReconnect(false); // ours: with back-off and quiet logging
        options.setConnectionTimeout((int) CONNECT_TIMEOUT.toSeconds());
        options.setKeepAliveInterval(60);
        // the hub hands a module up to 100 input messages at once; a module answering each with an output must
        // not find Paho's window full and drop its answers
        options.setMaxInflight(1000);
        client.connect(options).waitForCompletion(CONNECT_TIMEOUT.plusSeconds(5).toMillis());

        List<Object> todo;
        synchronized (this) {
            todo = List.copyOf(steps);
        }
        List<String> subscribed = new ArrayList<>();
        for (Object step : todo) {
            if (step instanceof String filter) {
                subscribe(filter);
                subscribed.add(filter);
            } else if (step instanceof Runnable action) {
                try {
                    action.run();
                } catch (RuntimeException e) {
                    log.error("a step after connecting failed", e);
                }
            }
            if (closed) {
                return;
            }
        }
        log.info("connected to edgeHub at " + settings.serverUri() + " as " + settings.clientId()
                + (subscribed.isEmpty() ? "" : ", subscribed to " + String.join(", ", subscribed)));
    }

    private void subscribe(String filter) throws MqttException {
        IMqttToken token = client.subscribe(filter, QOS);
        token.waitForCompletion(CONNECT_TIMEOUT.toMillis());
        int[] granted = token.getGrantedQos();
        if (granted != null && granted.length > 0 && granted[0] == 0x80) {
            throw new MqttException(MqttException.REASON_CODE_SUBSCRIBE_FAILED);
        }
    }

    private void dispatch(String topic, byte[] payload) {
        MessageHandler handler = null;
        synchronized (this) {
            for (Map.Entry<String, MessageHandler> subscription : subscriptions.entrySet()) {
                if (MqttTopic.isMatched(subscription.getKey(), topic)) {
                    handler = subscription.getValue();
                    break;
                }
            }
        }
        if (handler == null) {
            log.info("ignored a message on " + topic + ": no subscription of this module matches it");
            return;
        }
        try {
            handler.handle(topic, payload);
        } catch (RuntimeException e) {
            // Thrown out of Paho's callback it would drop the connection: a bad message costs only itself.
            log.error("could not handle the message on " + topic + " (" + payload.length + " bytes)", e);
        }
    }

    /** Paho wraps network errors in an MqttException that says only "MqttException": the cause is the news. */
    static String reason(Exception e) {
        if (e instanceof MqttException mqtt) {
            return mqtt.getCause() != null ? Log.describe(mqtt.getCause())
                    : mqtt.getMessage() + " (MQTT reason " + mqtt.getReasonCode() + ")";
        }
        return Log.describe(e);
    }

    private void disconnectQuietly() {
        try {
            if (client.isConnected()) {
                client.disconnectForcibly(0, 250, false);
            }
        } catch (MqttException | RuntimeException e) {
            // the next connect starts over
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
