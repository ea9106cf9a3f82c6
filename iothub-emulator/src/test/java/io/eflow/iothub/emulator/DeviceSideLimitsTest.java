package io.eflow.iothub.emulator;

import io.eflow.contract.iothub.SasToken;
import io.eflow.iothub.emulator.registry.DeviceIdentity;
import io.eflow.iothub.emulator.registry.DeviceSpec;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What no SDK sends but a device may: a message over IoT Hub's 256 KB and a publish on another device's topic drop the
 * connection (MQTT 3.1.1 cannot refuse one PUBLISH); a token past its expiry is refused at CONNECT.
 */
class DeviceSideLimitsTest {
    @TempDir
    static Path state;
    static IotHubEmulator emulator;

    @BeforeAll
    static void start() throws Exception {
        emulator = IotHubEmulator.start(new EmulatorOptions("localhost", "127.0.0.1", 0, 0, state));
        emulator.registry().putDevice(new DeviceSpec("d1", Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty()), Optional.empty());
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    @Test
    void aMessageOver256KilobytesDropsTheConnectionAndOneJustUnderIsTaken() throws Exception {
        MqttClient client = connect(Instant.now().plusSeconds(600));
        client.publish("devices/d1/messages/events/", new byte[256 * 1024 - 100], 1, false);
        assertThat(emulator.registry().devices()).isNotEmpty();

        assertThatThrownBy(() -> client.publish("devices/d1/messages/events/", new byte[256 * 1024 + 1], 1, false))
                .isInstanceOf(MqttException.class);
        assertThat(client.isConnected()).isFalse();
        client.close();
    }

    @Test
    void publishingAsAnotherDeviceDropsTheConnection() throws Exception {
        MqttClient client = connect(Instant.now().plusSeconds(600));
        assertThatThrownBy(() -> client.publish("devices/d2/messages/events/", new byte[1], 1, false))
                .isInstanceOf(MqttException.class);
        assertThat(client.isConnected()).isFalse();
        client.close();
    }

    @Test
    void anExpiredTokenIsNotAuthorized() {
        assertThatThrownBy(() -> connect(Instant.now().minusSeconds(1)))
                .isInstanceOfSatisfying(MqttException.class, e -> assertThat(e.getReasonCode())
                        .isEqualTo(MqttException.REASON_CODE_NOT_AUTHORIZED));
    }

    private static MqttClient connect(Instant expiry) throws Exception {
        DeviceIdentity device = emulator.registry().device("d1");
        MqttClient client = new MqttClient("ssl://localhost:" + emulator.mqttPort(), "d1", new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setUserName("localhost/d1/?api-version=2021-04-12");
        options.setPassword(SasToken.sign("localhost/devices/d1", device.credentials().primaryKey().orElseThrow(), expiry,
                Optional.empty()).toString().toCharArray());
        options.setSocketFactory(Trust.of(emulator.caCertificate()).getSocketFactory());
        options.setAutomaticReconnect(false);
        options.setConnectionTimeout(10);
        client.setTimeToWait(10_000);
        client.connect(options);
        return client;
    }
}
