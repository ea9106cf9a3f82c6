package io.eflow.edge.hub.upstream;

import io.eflow.contract.iothub.ConnectionString;
import io.eflow.contract.iothub.SasToken;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UpstreamSettingsTest {
    private static final String KEY = Base64.getEncoder().encodeToString(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    private static final String DEVICE_STRING = "HostName=myhub.azure-devices.net;DeviceId=edge-1;SharedAccessKey=" + KEY;
    private static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");

    @TempDir
    Path dir;

    @Test
    void aDeviceConnectionStringIsIotHubOverTls() {
        UpstreamSettings settings = UpstreamSettings.parse(DEVICE_STRING, Optional.empty());
        assertThat(settings).isInstanceOf(UpstreamSettings.IotHub.class);
        assertThat(settings.endpoint()).isEqualTo(URI.create("mqtts://myhub.azure-devices.net:8883"));
        assertThat(settings.deviceId()).isEqualTo("edge-1");
        assertThat(settings.tls()).isEmpty();
        assertThat(settings.twin()).isTrue();

        UpstreamSettings.Login login = settings.login(NOW);
        assertThat(login.clientId()).isEqualTo("edge-1");
        assertThat(login.username()).contains("myhub.azure-devices.net/edge-1/?api-version=2021-04-12");
        SasToken token = SasToken.parse(login.password().orElseThrow());
        assertThat(token.resource()).isEqualTo("myhub.azure-devices.net/devices/edge-1");
        assertThat(token.signedWith(KEY)).isTrue();
        assertThat(token.expiry()).isEqualTo(NOW.plus(Duration.ofHours(1)));
        assertThat(login.renewAt()).contains(NOW.plus(Duration.ofMinutes(51)));
        assertThat(settings.toString()).doesNotContain(KEY);
        assertThat(login.toString()).doesNotContain("SharedAccessSignature");
    }

    @Test
    void aGatewayHostNameIsConnectedToWhileTheLoginStaysTheHubs() {
        UpstreamSettings settings = UpstreamSettings.parse(DEVICE_STRING + ";GatewayHostName=parent.local", Optional.of("edge-1"));
        assertThat(settings.endpoint()).isEqualTo(URI.create("mqtts://parent.local:8883"));
        assertThat(settings.login(NOW).username()).contains("myhub.azure-devices.net/edge-1/?api-version=2021-04-12");
    }

    @Test
    void connectionStringsThatDoNotFitAreRefusedSayingWhy() {
        assertThatThrownBy(() -> UpstreamSettings.parse(DEVICE_STRING + ";ModuleId=$edgeHub", Optional.empty()))
                .hasMessageContaining("without ModuleId");
        assertThatThrownBy(() -> UpstreamSettings.parse(DEVICE_STRING, Optional.of("edge-2")))
                .hasMessageContaining("for device 'edge-1', but this device is 'edge-2'");
        assertThatThrownBy(() -> UpstreamSettings.parse("HostName=h;DeviceId=d;SharedAccessKey=not base64!", Optional.empty()))
                .hasMessageContaining("not base64");
        assertThatThrownBy(() -> UpstreamSettings.parse("tcp://broker:1883", Optional.of("d")))
                .hasMessageContaining("IoT Hub device connection string").hasMessageContaining("mqtt://host:port");
    }

    @Test
    void aBrokerUriCarriesItsLoginAndDefaultPorts() {
        UpstreamSettings plain = UpstreamSettings.parse("mqtt://broker.example", Optional.of("edge-1"));
        assertThat(plain).isInstanceOf(UpstreamSettings.Broker.class);
        assertThat(plain.endpoint()).isEqualTo(URI.create("mqtt://broker.example:1883"));
        assertThat(plain.login(NOW)).isEqualTo(new UpstreamSettings.Login("edge-1", Optional.empty(), Optional.empty(), Optional.empty()));
        assertThat(plain.twin()).isFalse();

        UpstreamSettings secure = UpstreamSettings.parse("mqtts://us%40er:p%3Ass%2Fw@broker.example/", Optional.of("edge-1"));
        assertThat(secure.endpoint()).isEqualTo(URI.create("mqtts://broker.example:8883"));
        assertThat(secure.login(NOW).username()).contains("us@er");
        assertThat(secure.login(NOW).password()).contains("p:ss/w");
        assertThat(secure.toString()).doesNotContain("p:ss");
        assertThat(Endpoints.paho(secure.endpoint())).isEqualTo("ssl://broker.example:8883");
        assertThat(Endpoints.paho(plain.endpoint())).isEqualTo("tcp://broker.example:1883");
    }

    @Test
    void aBrokerUriNamesTheCaFileToTrust() throws Exception {
        TestCa ca = TestCa.create(dir);
        UpstreamSettings settings = UpstreamSettings.parse("mqtts://broker:8884?ca=" + ca.caFile(), Optional.of("edge-1"));
        assertThat(settings.tls()).isPresent();
        assertThat(settings.endpoint()).isEqualTo(URI.create("mqtts://broker:8884"));

        Path empty = Files.writeString(dir.resolve("empty.pem"), "");
        assertThatThrownBy(() -> UpstreamSettings.parse("mqtts://broker?ca=" + empty, Optional.of("edge-1")))
                .hasMessageContaining("no certificate in " + empty);
        assertThatThrownBy(() -> UpstreamSettings.parse("mqtts://broker?ca=" + dir.resolve("missing.pem"), Optional.of("edge-1")))
                .hasMessageContaining("cannot read CA certificates from");
        assertThatThrownBy(() -> UpstreamSettings.parse("mqtts://broker?insecure=true", Optional.of("edge-1")))
                .hasMessageContaining("the only option of an upstream URI is ?ca=");
        assertThatThrownBy(() -> UpstreamSettings.parse("mqtt://broker?ca=" + ca.caFile(), Optional.of("edge-1")))
                .hasMessageContaining("use mqtts://");
        assertThatThrownBy(() -> UpstreamSettings.broker(URI.create("mqtts://broker?ca=/x.pem"), "edge-1",
                Optional.of(ca.socketFactory()))).hasMessageContaining("not both");
    }

    @Test
    void brokerUrisThatDoNotFitAreRefusedWithoutShowingThePassword() {
        assertThatThrownBy(() -> UpstreamSettings.parse("mqtt://broker:1883", Optional.empty()))
                .hasMessageContaining("needs this device's id");
        assertThatThrownBy(() -> UpstreamSettings.parse("mqtt://user:secret@broker/topic", Optional.of("d")))
                .hasMessageContaining("no path").hasMessageContaining("user:***@").hasMessageNotContaining("secret");
        assertThatThrownBy(() -> UpstreamSettings.parse("mqtt://:secret@broker", Optional.of("d")))
                .hasMessageContaining("no password without a user name");
        assertThatThrownBy(() -> UpstreamSettings.parse("mqtt:// bad host", Optional.of("d")))
                .hasMessageContaining("malformed");
    }

    @Test
    void aTestEndpointKeepsTheIdentityAndTakesItsOwnTls() throws Exception {
        TestCa ca = TestCa.create(dir);
        UpstreamSettings.IotHub settings = UpstreamSettings.iotHub(
                ConnectionString.parse(DEVICE_STRING), URI.create("mqtts://127.0.0.1:18883"),
                Optional.of(ca.socketFactory())).withTokenLifetime(Duration.ofMinutes(10));
        assertThat(settings.endpoint()).isEqualTo(URI.create("mqtts://127.0.0.1:18883"));
        assertThat(settings.tls()).isPresent();
        assertThat(SasToken.parse(settings.login(NOW).password().orElseThrow()).expiry()).isEqualTo(NOW.plus(Duration.ofMinutes(10)));
        assertThatThrownBy(() -> UpstreamSettings.iotHub(ConnectionString.parse(DEVICE_STRING),
                URI.create("mqtt://127.0.0.1:1883"), Optional.of(ca.socketFactory())))
                .hasMessageContaining("TLS settings for a plain mqtt:// endpoint");
        assertThat(new String(Files.readAllBytes(ca.caFile()), StandardCharsets.US_ASCII)).startsWith("-----BEGIN CERTIFICATE-----");
    }
}
