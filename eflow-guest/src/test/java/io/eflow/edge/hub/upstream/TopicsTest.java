package io.eflow.edge.hub.upstream;

import io.eflow.edge.hub.message.HubMessage;
import io.eflow.edge.hub.message.MessageSource;
import io.eflow.edge.hub.message.PropertyBag;
import io.eflow.edge.hub.message.SystemProperties;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TopicsTest {
    @Test
    void aModulesMessageCarriesTheModuleAndItsOutput() {
        HubMessage message = new HubMessage(new byte[0], Map.of(SystemProperties.MESSAGE_ID, "m 1"), Map.of("k", "v"),
                MessageSource.module("filter", "out put"));
        String topic = Topics.events("edge-1", message);
        assertThat(topic).startsWith("devices/edge-1/messages/events/").endsWith("&$.on=out%20put");
        PropertyBag.Properties bag = PropertyBag.decode(topic.substring("devices/edge-1/messages/events/".length()));
        assertThat(bag.system()).isEqualTo(Map.of(SystemProperties.MESSAGE_ID, "m 1",
                SystemProperties.CONNECTION_DEVICE_ID, "edge-1", SystemProperties.CONNECTION_MODULE_ID, "filter"));
        assertThat(bag.application()).isEqualTo(Map.of("k", "v"));
    }

    @Test
    void aModulesMessageIsTheLinksDevicesAndADevicesKeepsTheConnectionTheHubRecorded() {
        HubMessage message = new HubMessage(new byte[0], Map.of(SystemProperties.CONNECTION_DEVICE_ID, "guest-host-name",
                SystemProperties.CONNECTION_MODULE_ID, "m"), Map.of(), MessageSource.module("other"));
        PropertyBag.Properties bag = PropertyBag.decode(
                Topics.events("edge-1", message).substring("devices/edge-1/messages/events/".length()));
        assertThat(bag.system()).containsEntry(SystemProperties.CONNECTION_DEVICE_ID, "edge-1")
                .containsEntry(SystemProperties.CONNECTION_MODULE_ID, "m");
        HubMessage leaf = new HubMessage(new byte[0], Map.of(SystemProperties.CONNECTION_DEVICE_ID, "leaf-1"), Map.of(),
                MessageSource.device());
        assertThat(PropertyBag.decode(Topics.events("edge-1", leaf).substring("devices/edge-1/messages/events/".length()))
                .system()).containsEntry(SystemProperties.CONNECTION_DEVICE_ID, "leaf-1");
    }

    @Test
    void aDevicesMessageWithoutPropertiesHasAnEmptyBag() {
        HubMessage message = new HubMessage(new byte[] {1}, Map.of(), Map.of(), MessageSource.device());
        assertThat(Topics.events("edge-1", message)).isEqualTo("devices/edge-1/messages/events/");
        HubMessage output = new HubMessage(new byte[] {1}, Map.of(SystemProperties.CONNECTION_MODULE_ID, "m"), Map.of(),
                MessageSource.module("m", "o"));
        assertThat(Topics.events("edge-1", output)).doesNotContain("&&").contains("$.on=o");
    }
}
