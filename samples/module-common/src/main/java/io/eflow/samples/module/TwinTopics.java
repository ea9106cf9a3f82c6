package io.eflow.samples.module;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The MQTT topics of a module's twin, as IoT Hub and the edge hub have them: a GET on
 * {@code $iothub/twin/GET/?$rid={rid}} is answered on {@code $iothub/twin/res/200/?$rid={rid}}, a reported-properties
 * patch on {@code $iothub/twin/PATCH/properties/reported/?$rid={rid}} on {@code $iothub/twin/res/204/?$rid={rid}&$version={v}},
 * and desired-property changes come as merge patches on {@code $iothub/twin/PATCH/properties/desired/?$version={v}}.
 */
public final class TwinTopics {
    /** Every answer to this client's twin requests. */
    public static final String RESPONSES = "$iothub/twin/res/#";
    /** Every change of the desired properties. */
    public static final String DESIRED_PATCHES = "$iothub/twin/PATCH/properties/desired/#";

    private static final String RESPONSE_PREFIX = "$iothub/twin/res/";
    private static final String DESIRED_PREFIX = "$iothub/twin/PATCH/properties/desired/";

    private TwinTopics() {
    }

    public static String get(String requestId) {
        return "$iothub/twin/GET/?$rid=" + requestId;
    }

    public static String reportedPatch(String requestId) {
        return "$iothub/twin/PATCH/properties/reported/?$rid=" + requestId;
    }

    /** An answer's topic read: its status, the request it answers and, for a reported patch, the new version. */
    public record Response(int status, String requestId, OptionalLong version) {
    }

    /** The answer a topic carries; empty when it is no twin answer or names no request. */
    public static Optional<Response> response(String topic) {
        if (!topic.startsWith(RESPONSE_PREFIX)) {
            return Optional.empty();
        }
        String rest = topic.substring(RESPONSE_PREFIX.length());
        int slash = rest.indexOf('/');
        int status;
        try {
            status = Integer.parseInt(slash < 0 ? rest : rest.substring(0, slash));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        Map<String, String> query = query(slash < 0 ? "" : rest.substring(slash + 1));
        String requestId = query.get("$rid");
        if (requestId == null || requestId.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Response(status, requestId, version(query.get("$version"))));
    }

    /** Whether a topic carries a desired-properties patch. */
    public static boolean isDesiredPatch(String topic) {
        return topic.startsWith(DESIRED_PREFIX);
    }

    /** The version a desired-properties patch's topic gives; empty when it gives none (or no number). */
    public static OptionalLong desiredVersion(String topic) {
        if (!isDesiredPatch(topic)) {
            return OptionalLong.empty();
        }
        return version(query(topic.substring(DESIRED_PREFIX.length())).get("$version"));
    }

    /** {@code ?a=1&b=2} (the '?' may be missing): the pairs, decoded as a property bag. */
    static Map<String, String> query(String text) {
        return ModuleTopics.decodeProperties(text.startsWith("?") ? text.substring(1) : text);
    }

    private static OptionalLong version(String text) {
        if (text == null) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(text));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
