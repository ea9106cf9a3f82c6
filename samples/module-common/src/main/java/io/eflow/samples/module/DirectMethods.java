package io.eflow.samples.module;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A module's direct methods, as IoT Hub and the edge hub call them: a call comes on
 * {@code $iothub/methods/POST/{name}/?$rid={rid}} with a JSON payload and is answered on
 * {@code $iothub/methods/res/{status}/?$rid={rid}} with a JSON payload. Names are matched exactly, as IoT Hub does; an
 * unknown one is answered 501.
 */
public final class DirectMethods {
    /** Every call to this client's methods. */
    public static final String CALLS = "$iothub/methods/POST/#";
    private static final String CALL_PREFIX = "$iothub/methods/POST/";

    /** A method's answer: its status and JSON payload. */
    public record Answer(int status, String json) {
    }

    /** One method: the call's JSON payload (as text) to its answer. */
    @FunctionalInterface
    public interface Method {
        Answer call(String payload);
    }

    private DirectMethods() {
    }

    /** Answers calls to {@code methods} on every connection of {@code hub}; call before {@link EdgeHubClient#start}. */
    public static void attach(EdgeHubClient hub, Log log, Map<String, Method> methods) {
        Map<String, Method> known = Map.copyOf(methods);
        hub.subscribe(CALLS, (topic, payload) -> {
            String rest = topic.substring(CALL_PREFIX.length());
            int slash = rest.indexOf('/');
            String name = slash < 0 ? rest : rest.substring(0, slash);
            String requestId = TwinTopics.query(slash < 0 ? "" : rest.substring(slash + 1)).get("$rid");
            if (requestId == null) {
                log.info("ignored a method call without a request id on " + topic);
                return;
            }
            Answer answer = answer(known.get(name), name, new String(payload, StandardCharsets.UTF_8), log);
            hub.publish("$iothub/methods/res/" + answer.status() + "/?$rid=" + requestId,
                    answer.json().getBytes(StandardCharsets.UTF_8));
        });
    }

    private static Answer answer(Method method, String name, String payload, Log log) {
        if (method == null) {
            return new Answer(501, Json.write(Map.of("message", "no direct method '" + name + "' here")));
        }
        try {
            Answer answer = method.call(payload);
            log.info("direct method " + name + " answered " + answer.status());
            return answer;
        } catch (RuntimeException e) {
            log.error("direct method " + name + " failed", e);
            return new Answer(500, Json.write(Map.of("message", String.valueOf(e.getMessage()))));
        }
    }
}
