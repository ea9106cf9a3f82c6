package io.eflow.edge.hub.mqtt;

import io.eflow.edge.hub.auth.ClientId;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.util.ArrayList;
import java.util.List;

/** A real MQTT head on a loopback ephemeral port in front of a {@link TestHub}, and the Paho clients a test opens. */
abstract class HeadTestBase {
    static final ClientId FILTER = ClientId.module("edge1", "filter");
    static final ClientId SENSOR = ClientId.module("edge1", "sensor");
    static final ClientId LEAF = ClientId.device("leaf1");
    static final String FILTER_KEY = "filter-key";
    static final String SENSOR_KEY = "sensor-key";
    static final String LEAF_KEY = "leaf-key";

    final TestHub hub = new TestHub().allow(FILTER, FILTER_KEY).allow(SENSOR, SENSOR_KEY).allow(LEAF, LEAF_KEY);
    MqttServer server;
    private final List<PahoClient> clients = new ArrayList<>();

    /** What the server runs with; tests override it for tighter limits or TLS. */
    ServerSettings settings() throws Exception {
        return ServerSettings.plain("127.0.0.1", 0);
    }

    @BeforeEach
    void startServer() throws Exception {
        server = new MqttServer(hub, settings());
    }

    @AfterEach
    void stopServer() throws MqttException {
        for (PahoClient client : clients) {
            client.close();
        }
        server.close();
    }

    PahoClient connect(ClientId who, String password) throws MqttException {
        return track(PahoClient.connect(server.port(), who.toString(), password));
    }

    PahoClient filter() throws MqttException {
        return connect(FILTER, FILTER_KEY);
    }

    PahoClient track(PahoClient client) {
        clients.add(client);
        return client;
    }
}
