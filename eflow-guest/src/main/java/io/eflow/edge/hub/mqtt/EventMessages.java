package io.eflow.edge.hub.mqtt;

import io.eflow.edge.hub.auth.ClientId;
import io.eflow.edge.hub.message.HubMessage;
import io.eflow.edge.hub.message.MessageSource;
import io.eflow.edge.hub.message.PropertyBag;
import io.eflow.edge.hub.message.SystemProperties;

import java.util.HashMap;
import java.util.Map;

/** Turns a client's telemetry PUBLISH into the hub's message. */
final class EventMessages {
    /** IoT Hub keeps no retained messages; it marks a message sent with RETAIN by this application property. */
    static final String RETAIN_PROPERTY = "mqtt-retain";

    private EventMessages() {
    }

    /**
     * The message a client sent on its events topic. Who sent it comes from the connection, never from the bag: the
     * connection ids are overwritten, and only a module's message has an output.
     *
     * @throws IllegalArgumentException for a malformed bag
     */
    static HubMessage of(ClientId who, String bag, byte[] body, boolean retained) {
        PropertyBag.Properties properties = PropertyBag.decode(bag);
        Map<String, String> system = new HashMap<>(properties.system());
        system.remove(SystemProperties.CONNECTION_MODULE_ID);
        system.put(SystemProperties.CONNECTION_DEVICE_ID, who.deviceId());
        who.moduleId().ifPresent(module -> system.put(SystemProperties.CONNECTION_MODULE_ID, module));
        Map<String, String> application = properties.application();
        if (retained) {
            application = new HashMap<>(application);
            application.put(RETAIN_PROPERTY, "true");
        }
        MessageSource source = who.moduleId()
                .map(module -> properties.output().map(output -> MessageSource.module(module, output))
                        .orElseGet(() -> MessageSource.module(module)))
                .orElseGet(MessageSource::device);
        return new HubMessage(body, system, application, source);
    }
}
