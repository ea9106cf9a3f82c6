package io.eflow.edge.hub.upstream;

import io.eflow.contract.proxy.ProxySettings;
import io.eflow.edge.proxy.Tinyproxy;
import io.eflow.edge.proxy.TunnelSocketFactory;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * MQTT over TLS through a real HTTP proxy (Debian's tinyproxy): Paho on the tunnel factory reaches a TLS broker with
 * CONNECT and TLS end to end; a proxy that refuses the tunnel is a clear error naming it; a no_proxy host goes direct.
 */
class ProxiedUpstreamTest {
    @TempDir
    Path dir;
    private final AutoCloseables open = new AutoCloseables();

    @AfterEach
    void close() throws Exception {
        open.close();
    }

    @Test
    void mqttOverTlsGoesThroughTheProxysConnectTunnel() throws Exception {
        TestCa ca = TestCa.create(dir.resolve("ca"));
        Mosquitto broker = open.add(Mosquitto.withTls(dir.resolve("broker"), ca));
        Tinyproxy proxy = open.add(Tinyproxy.start(dir.resolve("proxy"), broker.tlsPort()));
        Subscriber far = open.add(Subscriber.on(broker, "proxied/#"));

        MqttClient client = connect(broker, ca, new ProxySettings(null, proxy.url(), List.of()));
        client.publish("proxied/1", "through the tunnel".getBytes(StandardCharsets.UTF_8), 1, false);
        assertThat(far.await(1, Duration.ofSeconds(10))).isTrue();
        client.disconnect();
        client.close();
        assertThat(proxy.log()).contains("CONNECT").contains("127.0.0.1:" + broker.tlsPort());
    }

    @Test
    void aProxyThatRefusesTheTunnelIsAClearErrorAndANoProxyHostGoesDirect() throws Exception {
        TestCa ca = TestCa.create(dir.resolve("ca"));
        Mosquitto broker = open.add(Mosquitto.withTls(dir.resolve("broker"), ca));
        Tinyproxy refusing = open.add(Tinyproxy.start(dir.resolve("proxy"))); // tunnels to no port of ours

        assertThatThrownBy(() -> connect(broker, ca, new ProxySettings(null, refusing.url(), List.of())))
                .isInstanceOf(MqttException.class)
                .satisfies(e -> assertThat(causes(e)).contains("through the proxy 127.0.0.1:" + refusing.port()).contains("403"));

        MqttClient direct = connect(broker, ca, new ProxySettings(null, refusing.url(), List.of("127.0.0.1")));
        assertThat(direct.isConnected()).isTrue();
        direct.disconnect();
        direct.close();
        assertThat(refusing.log()).doesNotContain("CONNECT 127.0.0.1:" + broker.tlsPort() + " HTTP/1.1\" 200");
    }

    private static MqttClient connect(Mosquitto broker, TestCa ca, ProxySettings settings) throws Exception {
        MqttClient client = new MqttClient("ssl://127.0.0.1:" + broker.tlsPort(), "proxied-" + System.nanoTime(), new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setConnectionTimeout(10);
        options.setSocketFactory(new TunnelSocketFactory(ca.socketFactory(), () -> settings));
        options.setHttpsHostnameVerificationEnabled(true); // TLS is end to end: the broker is checked, not the proxy
        client.connect(options);
        return client;
    }

    private static String causes(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            text.append(t.getMessage()).append(" / ");
        }
        return text.toString();
    }
}
