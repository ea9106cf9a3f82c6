package io.eflow.samples.filter;

import io.eflow.samples.module.Json;
import io.eflow.samples.module.ModuleTopics;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the filter does with one message, apart from MQTT: a reading on {@link #INPUT} whose
 * {@code machine.temperature} is above the threshold goes to {@link #OUTPUT} unchanged, with the property
 * {@code MessageType=Alert}; any other reading is dropped, and a message that is no reading is ignored. The
 * threshold may change at any time (the module twin sets it); each decision says which one it was judged by.
 *
 * <p>The alert keeps the reading's application properties and its content type and encoding ({@code $.ct},
 * {@code $.ce}), as the body is the same; the other system properties (where it came from, its id) are the hub's
 * to set again.
 */
public final class MessageFilter {
    public static final String INPUT = "input1";
    public static final String OUTPUT = "output1";
    public static final String ALERT_PROPERTY = "MessageType";
    public static final String ALERT_VALUE = "Alert";
    private static final Set<String> KEPT_SYSTEM_PROPERTIES = Set.of("$.ct", "$.ce");

    /** What to do with a message. */
    public sealed interface Decision permits Alert, Below, Ignored {
    }

    /** Send {@code payload} to {@code topic}: the reading, above the threshold. */
    public record Alert(String topic, byte[] payload, double temperature, double threshold) implements Decision {
    }

    /** A reading at or below the threshold: dropped. */
    public record Below(double temperature, double threshold) implements Decision {
    }

    /** Not a reading of this module's input: dropped, {@code reason} says why. */
    public record Ignored(String reason) implements Decision {
    }

    private final String deviceId;
    private final String moduleId;
    /** Set by the twin's thread, read by the MQTT callback thread. */
    private volatile double threshold;

    public MessageFilter(String deviceId, String moduleId, double threshold) {
        this.deviceId = deviceId;
        this.moduleId = moduleId;
        threshold(threshold);
    }

    public double threshold() {
        return threshold;
    }

    /** Readings from now on are judged by {@code value}. */
    public void threshold(double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("the threshold must be a number, not " + value);
        }
        threshold = value;
    }

    /** The subscription to the input, every property bag included. */
    public String subscription() {
        return ModuleTopics.inputSubscription(deviceId, moduleId, INPUT);
    }

    public Decision decide(String topic, byte[] payload) {
        Optional<ModuleTopics.Input> input = ModuleTopics.parseInput(topic, deviceId, moduleId);
        if (input.isEmpty()) {
            return new Ignored("not an input of " + deviceId + "/" + moduleId);
        }
        if (!input.get().name().equals(INPUT)) {
            return new Ignored("input " + input.get().name() + ", not " + INPUT);
        }
        Optional<Double> temperature;
        try {
            temperature = machineTemperature(Json.parse(new String(payload, StandardCharsets.UTF_8)));
        } catch (Json.JsonException e) {
            return new Ignored("not JSON: " + e.getMessage());
        }
        if (temperature.isEmpty()) {
            return new Ignored("no number at machine.temperature");
        }
        double limit = threshold; // one threshold for the whole decision
        if (temperature.get() <= limit) {
            return new Below(temperature.get(), limit);
        }
        return new Alert(alertTopic(input.get().properties()), payload, temperature.get(), limit);
    }

    /** The output topic of an alert: the properties kept from the reading, then MessageType=Alert. */
    String alertTopic(Map<String, String> readingProperties) {
        Map<String, String> properties = new LinkedHashMap<>();
        readingProperties.forEach((key, value) -> {
            if (!ModuleTopics.isSystem(key) || KEPT_SYSTEM_PROPERTIES.contains(key)) {
                properties.put(key, value);
            }
        });
        properties.remove(ALERT_PROPERTY);
        properties.put(ALERT_PROPERTY, ALERT_VALUE);
        return ModuleTopics.output(deviceId, moduleId, OUTPUT, properties);
    }

    /** {@code machine.temperature} of a reading, empty when the document has no number there. */
    static Optional<Double> machineTemperature(Object document) {
        if (document instanceof Map<?, ?> root && root.get("machine") instanceof Map<?, ?> machine
                && machine.get("temperature") instanceof Double temperature) {
            return Optional.of(temperature);
        }
        return Optional.empty();
    }

    /** "26.31" for log lines. */
    public static String format(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }
}
