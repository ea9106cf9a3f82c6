package io.eflow.edge.hub.upstream;

import io.eflow.edge.hub.message.HubMessage;
import io.eflow.edge.hub.message.MessageSource;
import io.eflow.edge.hub.message.PropertyBag;
import io.eflow.edge.hub.message.SystemProperties;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/** IoT Hub's device topics, as the upstream link publishes and subscribes to them. */
final class Topics {
    static final String TWIN_RESPONSES = "$iothub/twin/res/";
    static final String TWIN_DESIRED_PATCHES = "$iothub/twin/PATCH/properties/desired/";
    static final String METHOD_CALLS = "$iothub/methods/POST/";

    private Topics() {
    }

    /**
     * {@code devices/{deviceId}/messages/events/{bag}}: the message's properties in the bag, and, for a module's
     * message, the module's identity ({@code $.cdid} the link's device id, {@code $.cmid} unless the hub recorded it
     * already) and its output ({@code $.on}), as IoT Edge's hub forwards a module's telemetry.
     */
    static String events(String deviceId, HubMessage message) {
        Map<String, String> system = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        system.putAll(message.systemProperties());
        String output = null;
        if (message.source() instanceof MessageSource.Module module) {
            // a module is this device's, which IoT Hub knows by the link's device id: the guest's own (its host name,
            // recorded when the hub took the message) may differ
            system.put(SystemProperties.CONNECTION_DEVICE_ID, deviceId);
            system.putIfAbsent(SystemProperties.CONNECTION_MODULE_ID, module.moduleId());
            output = module.output().orElse(null);
        }
        StringBuilder bag = new StringBuilder(PropertyBag.encode(system, message.applicationProperties()));
        if (output != null) {
            // PropertyBag leaves $.on out: on the hub's own topics the topic names the output
            bag.append(bag.isEmpty() ? "" : "&").append("$.on=").append(encode(output));
        }
        return "devices/" + deviceId + "/messages/events/" + bag;
    }

    /**
     * {@code devices/{deviceId}/modules/{identity}/messages/events/{bag}}: a message as module {@code identity} of an
     * edge device sends it, with the sending module's connection ids and output, as IoT Edge's hub forwards it.
     */
    static String moduleEvents(String deviceId, String identity, HubMessage message) {
        String deviceTopic = events(deviceId, message);
        return "devices/" + deviceId + "/modules/" + identity + "/messages/events/"
                + deviceTopic.substring(("devices/" + deviceId + "/messages/events/").length());
    }

    /** {@code devices/{deviceId}/messages/devicebound/}: where IoT Hub sends the device's cloud-to-device messages. */
    static String devicebound(String deviceId) {
        return "devices/" + deviceId + "/messages/devicebound/";
    }

    /** A parameter of a topic's query ({@code …/?$rid=1&$version=4}); null when it has none. */
    static String parameter(String topic, String name) {
        int query = topic.indexOf('?');
        if (query < 0) {
            return null;
        }
        for (String pair : topic.substring(query + 1).split("&")) {
            if (pair.startsWith(name + "=")) {
                return pair.substring(name.length() + 1);
            }
        }
        return null;
    }

    /** The answer to direct method call {@code rid}. */
    static String methodAnswer(int status, String rid) {
        return "$iothub/methods/res/" + status + "/?$rid=" + rid;
    }

    /** A reported-properties patch; its answer comes on {@code $iothub/twin/res/204/?$rid={rid}&$version={v}}. */
    static String reportedPatch(String rid) {
        return "$iothub/twin/PATCH/properties/reported/?$rid=" + rid;
    }

    /** The request for the whole twin; its answer comes on {@code $iothub/twin/res/{status}/?$rid={rid}}. */
    static String twinRequest(String rid) {
        return "$iothub/twin/GET/?$rid=" + rid;
    }

    private static String encode(String part) {
        return URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
