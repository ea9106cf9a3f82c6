package io.eflow.edge.hub;

import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * One Paho client of the benchmark, the same against the hub and against mosquitto: it publishes at QoS 1 with up
 * to {@link #WINDOW} publishes awaiting their PUBACK, and hands what arrives on its subscriptions to a consumer.
 */
final class BenchClient implements AutoCloseable {
    /**
     * Publishes awaiting their PUBACK at once: enough that the publisher never waits on a round trip, so the figure
     * is the server's. Paho refuses a publish beyond its own limit rather than waiting, so that is set higher.
     */
    static final int WINDOW = 1000;
    private static final long WAIT_MILLIS = 10_000;

    private final MqttAsyncClient client;
    private final Semaphore window = new Semaphore(WINDOW);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final IMqttActionListener acknowledged = new IMqttActionListener() {
        @Override
        public void onSuccess(IMqttToken token) {
            window.release();
        }

        @Override
        public void onFailure(IMqttToken token, Throwable cause) {
            failure.compareAndSet(null, cause);
            window.release();
        }
    };

    private BenchClient(String uri, String clientId, Consumer<byte[]> onMessage) throws MqttException {
        this.client = new MqttAsyncClient(uri, clientId, new MemoryPersistence());
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                failure.compareAndSet(null, cause);
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                onMessage.accept(message.getPayload());
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
                // the publish's own listener counts it
            }
        });
    }

    /** Connects with a user name and password (the hub's modules), or none (mosquitto's anonymous clients). */
    static BenchClient connect(String uri, String clientId, Optional<String> username, Optional<String> password,
                               Consumer<byte[]> onMessage) throws MqttException {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setCleanSession(true);
        options.setAutomaticReconnect(false);
        options.setMaxInflight(2 * WINDOW);
        username.ifPresent(options::setUserName);
        password.ifPresent(p -> options.setPassword(p.toCharArray()));
        BenchClient bench = new BenchClient(uri, clientId, onMessage);
        try {
            bench.client.connect(options).waitForCompletion(WAIT_MILLIS);
        } catch (MqttException e) {
            bench.client.close(true);
            throw e;
        }
        return bench;
    }

    /** Subscribes at QoS 1 and fails if the server refuses. */
    void subscribe(String filter) throws MqttException {
        IMqttToken token = client.subscribe(filter, 1);
        token.waitForCompletion(WAIT_MILLIS);
        if (token.getGrantedQos()[0] != 1) {
            throw new IllegalStateException("the server granted QoS " + token.getGrantedQos()[0] + " for " + filter);
        }
    }

    /** Publishes at QoS 1, first waiting for room in the window. */
    void publish(String topic, byte[] body) throws MqttException, InterruptedException {
        checkHealthy();
        window.acquire();
        MqttMessage message = new MqttMessage(body);
        message.setQos(1);
        try {
            client.publish(topic, message, null, acknowledged);
        } catch (MqttException | RuntimeException e) {
            window.release();
            throw e;
        }
    }

    /** Waits for the PUBACK of every publish so far. */
    void awaitAcknowledged(long timeoutSeconds) throws InterruptedException {
        if (!window.tryAcquire(WINDOW, timeoutSeconds, TimeUnit.SECONDS)) {
            throw new IllegalStateException((WINDOW - window.availablePermits()) + " publishes had no PUBACK after "
                    + timeoutSeconds + " s");
        }
        window.release(WINDOW);
        checkHealthy();
    }

    private void checkHealthy() {
        Throwable cause = failure.get();
        if (cause != null) {
            throw new IllegalStateException("the benchmark's MQTT client failed: " + cause, cause);
        }
    }

    @Override
    public void close() throws MqttException {
        if (client.isConnected()) {
            client.disconnect(1000).waitForCompletion(WAIT_MILLIS);
        }
        client.close(true);
    }
}
