package io.eflow.edge.hub.mqtt;

import io.eflow.edge.hub.upstream.TrustedCertificates;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocketFactory;

/** A real MQTT client (Paho) that records what arrives and whether it lost its connection. */
public final class PahoClient implements AutoCloseable {
    public record Received(String topic, MqttMessage message) {
        String body() {
            return new String(message.getPayload(), StandardCharsets.UTF_8);
        }
    }

    final MqttAsyncClient client;
    public final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    public final CompletableFuture<Throwable> lost = new CompletableFuture<>();
    /** Packet ids of this client's QoS 1 publishes, in the order their PUBACKs came. */
    final List<Integer> acknowledged = new CopyOnWriteArrayList<>();

    private PahoClient(MqttAsyncClient client) {
        this.client = client;
    }

    /** IoT Hub's MQTT 3.1.1 options: a user name naming the identity, a SAS token (here any password) as password. */
    public static MqttConnectOptions options(String clientId, String password) {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setUserName("edge-hub.local/" + clientId + "/?api-version=2018-06-30");
        options.setPassword(password.toCharArray());
        options.setAutomaticReconnect(false);
        options.setConnectionTimeout(10);
        return options;
    }

    /** Connects, waiting for the CONNACK; a refusal throws Paho's MqttException with the CONNACK's code. */
    public static PahoClient connect(String uri, String clientId, MqttConnectOptions options) throws MqttException {
        PahoClient paho = create(uri, clientId);
        try {
            paho.client.connect(options).waitForCompletion(TestHub.WAIT.toMillis());
        } catch (MqttException e) {
            paho.client.close(true);
            throw e;
        }
        return paho;
    }

    public static PahoClient connect(int port, String clientId, String password) throws MqttException {
        return connect("tcp://127.0.0.1:" + port, clientId, options(clientId, password));
    }

    /** TLS trusting only the edge CA, as a host application configures it from {@code eflow hub ca}. */
    public static SSLSocketFactory trusting(String pem) throws IOException {
        Path file = Files.createTempFile("edge-ca", ".pem");
        Files.writeString(file, pem);
        try {
            return TrustedCertificates.socketFactory(file);
        } finally {
            Files.delete(file);
        }
    }

    public static PahoClient create(String uri, String clientId) throws MqttException {
        PahoClient paho = new PahoClient(new MqttAsyncClient(uri, clientId, new MemoryPersistence()));
        paho.client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                paho.lost.complete(cause);
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                paho.received.add(new Received(topic, message));
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
                paho.acknowledged.add(token.getMessageId());
            }
        });
        return paho;
    }

    public IMqttDeliveryToken publish(String topic, String body, int qos) throws MqttException {
        return publish(topic, body.getBytes(StandardCharsets.UTF_8), qos);
    }

    public IMqttDeliveryToken publish(String topic, byte[] body, int qos) throws MqttException {
        MqttMessage message = new MqttMessage(body);
        message.setQos(qos);
        return client.publish(topic, message);
    }

    /** Subscribes and returns the granted QoS (128 for a refused filter). */
    public int subscribe(String filter, int qos) throws MqttException {
        IMqttToken token = client.subscribe(filter, qos);
        token.waitForCompletion(TestHub.WAIT.toMillis());
        return token.getGrantedQos()[0];
    }

    public Received next() throws InterruptedException {
        Received next = received.poll(TestHub.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (next == null) {
            throw new AssertionError("nothing arrived within " + TestHub.WAIT);
        }
        return next;
    }

    @Override
    public void close() throws MqttException {
        if (client.isConnected()) {
            client.disconnectForcibly(0, 1000, false);
        }
        client.close(true);
    }
}
