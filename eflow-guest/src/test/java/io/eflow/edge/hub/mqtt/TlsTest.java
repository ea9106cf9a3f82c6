package io.eflow.edge.hub.mqtt;

import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The TLS listener: a server certificate from the edge CA, and clients that log in with certificates it issued. */
class TlsTest extends HeadTestBase {
    private static final TestCertificates.Issued CA;
    private static final TestCertificates.Issued SERVER;

    static {
        try {
            CA = TestCertificates.authority("edge CA");
            SERVER = TestCertificates.server(CA);
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @Override
    ServerSettings settings() {
        return ServerSettings.plain("127.0.0.1", 0).withTls(new TlsSettings(SERVER.keys().getPrivate(),
                List.of(SERVER.certificate(), CA.certificate()), Optional.of(CA.certificate())), 0);
    }

    private PahoClient connectTls(String clientId, MqttConnectOptions options) throws MqttException {
        return track(PahoClient.connect("ssl://127.0.0.1:" + server.tlsPort().getAsInt(), clientId, options));
    }

    @Test
    void bothListenersAreUp() {
        assertThat(server.port()).isPositive();
        assertThat(server.tlsPort()).isPresent();
        assertThat(server.tlsPort().getAsInt()).isNotEqualTo(server.port());
    }

    @Test
    void aClientTrustingTheEdgeCaConnectsWithAKey() throws Exception {
        MqttConnectOptions options = PahoClient.options(FILTER.toString(), FILTER_KEY);
        options.setSocketFactory(TestCertificates.clientContext(CA.certificate(), Optional.empty()).getSocketFactory());

        PahoClient filter = connectTls(FILTER.toString(), options);

        assertThat(filter.client.isConnected()).isTrue();
        assertThat(hub.credentials).singleElement().satisfies(offered -> {
            assertThat(offered.password()).contains(FILTER_KEY);
            assertThat(offered.certificates()).isEmpty();
        });
        filter.publish("devices/edge1/modules/filter/messages/events/", "over TLS", 1).waitForCompletion(TestHub.WAIT.toMillis());
        assertThat(hub.nextSent().from()).isEqualTo(FILTER);
    }

    @Test
    void aClientCertificateFromTheEdgeCaReachesTheHub() throws Exception {
        TestCertificates.Issued leafCertificate = TestCertificates.client(CA, "leaf1");
        hub.allowCertificate("leaf1", LEAF);
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setUserName("edge-hub.local/leaf1/?api-version=2018-06-30");
        options.setSocketFactory(TestCertificates.clientContext(CA.certificate(), Optional.of(leafCertificate)).getSocketFactory());

        PahoClient leaf = connectTls("leaf1", options);

        assertThat(leaf.client.isConnected()).isTrue();
        assertThat(hub.credentials).singleElement().satisfies(offered -> {
            assertThat(offered.password()).isEmpty();
            assertThat(offered.certificates()).first().isEqualTo(leafCertificate.certificate());
        });
    }

    @Test
    void aClientCertificateFromAnotherCaIsRefused() throws Exception {
        TestCertificates.Issued stranger = TestCertificates.client(TestCertificates.authority("another CA"), "leaf1");
        hub.allowCertificate("leaf1", LEAF);
        MqttConnectOptions options = PahoClient.options("leaf1", LEAF_KEY);
        options.setSocketFactory(TestCertificates.clientContext(CA.certificate(), Optional.of(stranger)).getSocketFactory());

        assertThatThrownBy(() -> connectTls("leaf1", options)).isInstanceOf(MqttException.class);
        assertThat(hub.credentials).isEmpty();
    }

    @Test
    void aClientThatDoesNotTrustTheServerDoesNotConnect() throws Exception {
        MqttConnectOptions options = PahoClient.options(FILTER.toString(), FILTER_KEY);
        options.setSocketFactory(TestCertificates.clientContext(TestCertificates.authority("not the edge CA").certificate(),
                Optional.empty()).getSocketFactory());

        assertThatThrownBy(() -> connectTls(FILTER.toString(), options)).isInstanceOf(MqttException.class);
        assertThat(hub.credentials).isEmpty();
    }
}
