package io.eflow.samples.filter;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.MessageProperty;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * What the filter does with one reading, apart from the hub: a reading whose {@code machine.temperature} is above the
 * threshold goes to {@link #OUTPUT} unchanged, with the property {@code MessageType=Alert}; any other reading is
 * dropped, and a message that is no reading is ignored. The threshold may change at any time (the module twin sets
 * it); each decision says which one it was judged by.
 *
 * <p>The alert keeps the reading's application properties and its content type and encoding, as the body is the same;
 * the system properties of where it came from are the hub's to set again.
 */
public final class MessageFilter {
    public static final String INPUT = "input1";
    public static final String OUTPUT = "output1";
    public static final String ALERT_PROPERTY = "MessageType";
    public static final String ALERT_VALUE = "Alert";

    /** What to do with a message. */
    public sealed interface Decision permits Alert, Below, Ignored {
    }

    /** Send {@code alert} to {@link #OUTPUT}: the reading, above the threshold. */
    public record Alert(Message alert, double temperature, double threshold) implements Decision {
    }

    /** A reading at or below the threshold: dropped. */
    public record Below(double temperature, double threshold) implements Decision {
    }

    /** Not a reading: dropped, {@code reason} says why. */
    public record Ignored(String reason) implements Decision {
    }

    /** Set by the twin's callbacks, read by the input's. */
    private volatile double threshold;

    public MessageFilter(double threshold) {
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

    public Decision decide(Message reading) {
        Optional<Double> temperature;
        try {
            temperature = machineTemperature(new String(reading.getBytes(), StandardCharsets.UTF_8));
        } catch (JsonParseException e) {
            return new Ignored("not JSON: " + e.getMessage());
        }
        if (temperature.isEmpty()) {
            return new Ignored("no number at machine.temperature");
        }
        double limit = threshold; // one threshold for the whole decision
        if (temperature.get() <= limit) {
            return new Below(temperature.get(), limit);
        }
        return new Alert(alert(reading), temperature.get(), limit);
    }

    /** The reading as an alert: the same body, content type and encoding and properties, and MessageType=Alert. */
    static Message alert(Message reading) {
        Message alert = new Message(reading.getBytes());
        for (MessageProperty property : reading.getProperties()) {
            alert.setProperty(property.getName(), property.getValue());
        }
        alert.setProperty(ALERT_PROPERTY, ALERT_VALUE);
        if (reading.getContentType() != null) {
            alert.setContentType(reading.getContentType());
        }
        if (reading.getContentEncoding() != null) {
            alert.setContentEncoding(reading.getContentEncoding());
        }
        return alert;
    }

    /** {@code machine.temperature} of a reading, empty when the document has no number there. */
    static Optional<Double> machineTemperature(String json) {
        JsonElement machine = member(JsonParser.parseString(json), "machine");
        JsonElement temperature = machine == null ? null : member(machine, "temperature");
        if (temperature != null && temperature.isJsonPrimitive() && temperature.getAsJsonPrimitive().isNumber()) {
            return Optional.of(temperature.getAsDouble());
        }
        return Optional.empty();
    }

    private static JsonElement member(JsonElement object, String name) {
        return object.isJsonObject() ? object.getAsJsonObject().get(name) : null;
    }

    /** "26.31" for log lines. */
    public static String format(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }
}
