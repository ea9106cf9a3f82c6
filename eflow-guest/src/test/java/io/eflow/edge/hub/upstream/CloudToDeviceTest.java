package io.eflow.edge.hub.upstream;

import io.eflow.edge.hub.message.HubMessage;
import io.eflow.edge.hub.message.HubMessageCodec;
import io.eflow.edge.hub.message.SystemProperties;
import io.eflow.edge.hub.store.Delivery;
import io.eflow.edge.hub.store.LogMessageStore;
import io.eflow.edge.hub.store.StoreConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A cloud-to-device message is kept with its properties, or refused loudly so that it is not acknowledged. */
class CloudToDeviceTest {
    @TempDir
    Path dir;

    @Test
    void keepsTheMessageWithIotHubsPropertiesInTheDeviceboundQueue() throws Exception {
        try (LogMessageStore store = LogMessageStore.open(StoreConfig.in(dir))) {
            new CloudToDevice(store, "edge1").keep("devices/edge1/messages/devicebound/%24.mid=m1&%24.to=%2Fdevices%2Fedge1"
                    + "%2Fmessages%2FdeviceBound&iothub-ack=full&color=red", "hello".getBytes(StandardCharsets.UTF_8));

            List<Delivery> kept = store.queue(UpstreamConnector.DEVICEBOUND).poll(10, Duration.ofSeconds(1));
            assertThat(kept).hasSize(1);
            HubMessage message = HubMessageCodec.decode(kept.get(0).payload());
            assertThat(message.body()).asString(StandardCharsets.UTF_8).isEqualTo("hello");
            assertThat(message.systemProperty(SystemProperties.MESSAGE_ID)).isEqualTo("m1");
            assertThat(message.systemProperty(SystemProperties.TO)).isEqualTo("/devices/edge1/messages/deviceBound");
            assertThat(message.applicationProperties()).containsEntry("color", "red").containsEntry("iothub-ack", "full");
        }
    }

    @Test
    void aMessageTheStoreDoesNotTakeIsRefusedSoThatItIsNotAcknowledged() throws Exception {
        LogMessageStore store = LogMessageStore.open(StoreConfig.in(dir));
        store.close();
        CloudToDevice cloudToDevice = new CloudToDevice(store, "edge1");

        assertThatThrownBy(() -> cloudToDevice.keep("devices/edge1/messages/devicebound/%24.mid=m1", new byte[1]))
                .isInstanceOf(NotKeptException.class);
    }
}
