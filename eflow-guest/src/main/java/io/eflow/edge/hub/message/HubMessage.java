package io.eflow.edge.hub.message;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One message in the hub. Immutable: the body and both property maps are copied in, and the body is copied out.
 *
 * <p>Property names compare ignoring case, as IoT Hub's do ("device-to-cloud messaging is not case-sensitive"); when
 * two names differ only in case, the later one is kept.
 *
 * @param systemProperties      by the names of {@link SystemProperties}
 * @param applicationProperties the sender's own properties; always strings
 */
public record HubMessage(byte[] body, Map<String, String> systemProperties, Map<String, String> applicationProperties,
                         MessageSource source) {

    public HubMessage {
        body = Objects.requireNonNull(body, "body").clone();
        systemProperties = ignoringCase(systemProperties, "systemProperties");
        applicationProperties = ignoringCase(applicationProperties, "applicationProperties");
        Objects.requireNonNull(source, "source");
    }

    /** A copy of the body. {@link #bodyStream()} reads it without copying. */
    @Override
    public byte[] body() {
        return body.clone();
    }

    public InputStream bodyStream() {
        return new ByteArrayInputStream(body);
    }

    public int bodyLength() {
        return body.length;
    }

    /** A system property by its query name ({@link SystemProperties}), or null. */
    public String systemProperty(String name) {
        return systemProperties.get(name);
    }

    /** An application property, or null. */
    public String applicationProperty(String name) {
        return applicationProperties.get(name);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof HubMessage that && Arrays.equals(body, that.body)
                && systemProperties.equals(that.systemProperties)
                && applicationProperties.equals(that.applicationProperties) && source.equals(that.source);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(body), systemProperties, applicationProperties, source);
    }

    @Override
    public String toString() {
        return "HubMessage[" + body.length + " bytes, systemProperties=" + systemProperties
                + ", applicationProperties=" + applicationProperties + ", source=" + source + "]";
    }

    private static Map<String, String> ignoringCase(Map<String, String> properties, String what) {
        Map<String, String> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        Objects.requireNonNull(properties, what).forEach((name, value) ->
                copy.put(Objects.requireNonNull(name, what + " name"), Objects.requireNonNull(value, what + " " + name)));
        return Collections.unmodifiableMap(copy);
    }
}
