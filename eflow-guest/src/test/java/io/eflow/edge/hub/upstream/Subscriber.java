package io.eflow.edge.hub.upstream;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;

/**
 * The far side of the upstream link in a test: a Paho client on the test broker that records what arrives on a
 * topic filter. Its session is persistent, so a broker that keeps sessions queues for it while it reconnects.
 */
final class Subscriber implements AutoCloseable, MqttCallback {
    /** One message as the far side saw it. */
    record Received(String topic, byte[] payload) {
        String body() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The property bag: what follows the last '/' of the topic. */
        String bag() {
            return topic.substring(topic.lastIndexOf('/') + 1);
        }
    }

    private final MqttClient client;
    private final String filter;
    private final MqttConnectOptions options = new MqttConnectOptions();
    private final List<Received> received = new ArrayList<>();

    private Subscriber(String uri, String clientId, String filter, Optional<SocketFactory> tls) throws MqttException {
        this.client = new MqttClient(uri, clientId, new MemoryPersistence());
        this.filter = filter;
        options.setCleanSession(false);
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setMaxInflight(1000);
        tls.ifPresent(options::setSocketFactory);
        client.setCallback(this);
    }

    /** Subscribes at QoS 1 on the broker's plain listener. */
    static Subscriber on(Mosquitto broker, String filter) throws MqttException {
        Subscriber subscriber = new Subscriber("tcp://127.0.0.1:" + broker.port(), "test-far-side", filter, Optional.empty());
        subscriber.connect();
        return subscriber;
    }

    private void connect() throws MqttException {
        client.connect(options);
        client.subscribe(filter, 1);
    }

    /** Connects again after the broker restarted, trying for up to 10 s. */
    void reconnect() throws Exception {
        Instant deadline = Instant.now().plusSeconds(10);
        while (true) {
            try {
                if (client.isConnected()) {
                    return;
                }
                connect();
                return;
            } catch (MqttException e) {
                if (Instant.now().isAfter(deadline)) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    /** Publishes as another party on the broker would (IoT Hub answering, in the twin tests). */
    void publish(String topic, String payload) throws MqttException {
        client.publish(topic, payload.getBytes(StandardCharsets.UTF_8), 1, false);
    }

    /** Subscribes to one more filter. */
    void subscribe(String more) throws MqttException {
        client.subscribe(more, 1);
    }

    synchronized List<Received> received() {
        return List.copyOf(received);
    }

    synchronized int count() {
        return received.size();
    }

    @Override
    public synchronized void messageArrived(String topic, MqttMessage message) {
        received.add(new Received(topic, message.getPayload()));
        notifyAll();
    }

    @Override
    public void connectionLost(Throwable cause) {
        // the tests reconnect explicitly after a restart
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {
    }

    /** Waits until at least {@code n} messages arrived; false when they did not within {@code timeout}. */
    synchronized boolean await(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (received.size() < n) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    @Override
    public void close() throws MqttException {
        if (client.isConnected()) {
            client.disconnect(0);
        }
        client.close(true);
    }
}
