package io.eflow.edge.hub.mqtt;

import io.eflow.edge.hub.auth.ClientId;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * IoT Hub's MQTT topics as one client may use them: its own telemetry (or module output) topic, its twin and its
 * direct methods. Anything else, another identity's topics above all, it may not use.
 */
final class Topics {
    private static final String TWIN_GET = "$iothub/twin/GET/?";
    private static final String TWIN_REPORTED = "$iothub/twin/PATCH/properties/reported/?";
    private static final String METHOD_RESPONSE = "$iothub/methods/res/";
    private static final String DEVICEBOUND = "messages/devicebound/";

    /** What a client's PUBLISH asks for, by its topic. */
    sealed interface Request {
    }

    /** Telemetry, or a module's output; {@code bag} is the topic's property bag, maybe empty. */
    record Events(String bag) implements Request {
    }

    record TwinGet(String requestId) implements Request {
    }

    record TwinReported(String requestId) implements Request {
    }

    record MethodResponse(int status, String requestId) implements Request {
    }

    /** The topic filters a client may subscribe to, and the {@link Subscription} each stands for, if any. */
    enum Filter {
        INPUTS(Subscription.INPUTS),
        DESIRED_PROPERTIES(Subscription.DESIRED_PROPERTIES),
        METHODS(Subscription.METHODS),
        CLOUD_TO_DEVICE(Subscription.CLOUD_TO_DEVICE),
        /** Twin answers: the hub is not told, the head just answers a client that listens. */
        TWIN_RESPONSES(null);

        private final Subscription subscription;

        Filter(Subscription subscription) {
            this.subscription = subscription;
        }

        Optional<Subscription> subscription() {
            return Optional.ofNullable(subscription);
        }
    }

    private final ClientId who;
    /** {@code devices/{d}/modules/{m}/} or {@code devices/{d}/}: where the client's own topics start. */
    private final String own;

    Topics(ClientId who) {
        this.who = who;
        this.own = "devices/" + who.deviceId() + who.moduleId().map(m -> "/modules/" + m).orElse("") + "/";
    }

    /** What a PUBLISH to {@code topic} asks for; empty when this client may not publish there. */
    Optional<Request> publish(String topic) {
        if (topic.startsWith(own)) {
            return events(topic.substring(own.length()));
        }
        if (topic.startsWith(TWIN_GET)) {
            return requestId(topic.substring(TWIN_GET.length())).map(TwinGet::new);
        }
        if (topic.startsWith(TWIN_REPORTED)) {
            return requestId(topic.substring(TWIN_REPORTED.length())).map(TwinReported::new);
        }
        if (topic.startsWith(METHOD_RESPONSE)) {
            return methodResponse(topic.substring(METHOD_RESPONSE.length()));
        }
        return Optional.empty();
    }

    /**
     * What a SUBSCRIBE to {@code filter} is for; empty when this client may not subscribe to it. Cloud-to-device
     * messages are a device's: a module asking for them is refused, as IoT Hub refuses it.
     */
    Optional<Filter> filter(String filter) {
        if (inputOf(filter).isPresent()) {
            return Optional.of(Filter.INPUTS);
        }
        if (who.moduleId().isEmpty() && filter.equals(own + DEVICEBOUND + "#")) {
            return Optional.of(Filter.CLOUD_TO_DEVICE);
        }
        return switch (filter) {
            case "$iothub/twin/res/#" -> Optional.of(Filter.TWIN_RESPONSES);
            case "$iothub/twin/PATCH/properties/desired/#" -> Optional.of(Filter.DESIRED_PROPERTIES);
            case "$iothub/methods/POST/#" -> Optional.of(Filter.METHODS);
            default -> Optional.empty();
        };
    }

    /** Every input, for the SDKs' filter of all inputs. */
    static final String ALL_INPUTS = "#";

    /**
     * The input a module's inputs filter takes: {@link #ALL_INPUTS} for {@code devices/{d}/modules/{m}/inputs/#}
     * (what IoT Hub's SDKs subscribe), the input's name for {@code devices/{d}/modules/{m}/inputs/{input}/#}.
     */
    Optional<String> inputOf(String filter) {
        String inputs = own + "inputs/";
        if (who.moduleId().isEmpty() || !filter.startsWith(inputs) || !filter.endsWith("#")) {
            return Optional.empty();
        }
        String rest = filter.substring(inputs.length());
        if (rest.equals("#")) {
            return Optional.of(ALL_INPUTS);
        }
        String input = rest.endsWith("/#") ? rest.substring(0, rest.length() - 2) : "";
        return isTopicLevel(input) ? Optional.of(input) : Optional.empty();
    }

    /** {@code devices/{d}/messages/devicebound/{bag}}. */
    String devicebound(String bag) {
        return own + DEVICEBOUND + bag;
    }

    /** {@code devices/{d}/modules/{m}/inputs/{input}/{bag}}. */
    String input(String input, String bag) {
        return own + "inputs/" + input + "/" + bag;
    }

    static String twinResponse(int status, String requestId, OptionalLong version) {
        String topic = "$iothub/twin/res/" + status + "/?$rid=" + requestId;
        return version.isPresent() ? topic + "&$version=" + version.getAsLong() : topic;
    }

    static String desiredPatch(long version) {
        return "$iothub/twin/PATCH/properties/desired/?$version=" + version;
    }

    static String methodRequest(String method, String requestId) {
        return "$iothub/methods/POST/" + method + "/?$rid=" + requestId;
    }

    /** A name that fits in one topic level: not empty, no level separator, no wildcard. */
    static boolean isTopicLevel(String name) {
        return !name.isEmpty() && name.chars().noneMatch(c -> c == '/' || c == '+' || c == '#');
    }

    private static Optional<Request> events(String rest) {
        // IoT Hub's SDKs end the topic with a '/' before the bag, even an empty one; the bare form is accepted too
        if (rest.equals("messages/events")) {
            return Optional.of(new Events(""));
        }
        if (rest.startsWith("messages/events/")) {
            return Optional.of(new Events(withoutTrailingSlash(rest.substring("messages/events/".length()))));
        }
        return Optional.empty();
    }

    /**
     * The bag without the '/' some SDKs put after it: the Node SDK after an output event's
     * ({@code …/messages/events/%24.on=o&id=m4/}), the Java SDK after every module event's. IoT Edge's hub takes
     * {@code …/messages/events/{bag}/} too: a level separator, not the end of the last value. A value's own '/' at its
     * end comes escaped ({@code %2F}) from every SDK, so it is never taken.
     */
    private static String withoutTrailingSlash(String bag) {
        return bag.endsWith("/") ? bag.substring(0, bag.length() - 1) : bag;
    }

    private static Optional<Request> methodResponse(String rest) {
        int slash = rest.indexOf("/?");
        if (slash <= 0) {
            return Optional.empty();
        }
        int status;
        try {
            status = Integer.parseInt(rest.substring(0, slash));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return requestId(rest.substring(slash + 2)).map(rid -> new MethodResponse(status, rid));
    }

    /**
     * The {@code $rid} of a query ({@code $rid=7&…}), as sent: it is echoed in the answer's topic, so it is never
     * decoded and encoded again.
     */
    private static Optional<String> requestId(String query) {
        for (String pair : query.split("&")) {
            if (pair.startsWith("$rid=") && pair.length() > "$rid=".length()) {
                return Optional.of(pair.substring("$rid=".length()));
            }
        }
        return Optional.empty();
    }
}
