package io.eflow.samples.module;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One side of a module twin, desired or reported: its properties as {@link Json} reads them (the {@code $version}
 * taken out) and that version.
 */
public record TwinProperties(Map<String, Object> values, long version) {
    public static final String VERSION = "$version";

    public TwinProperties {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /**
     * A side of a twin document as the hub sends it, {@code {"a":1,"$version":7}}.
     *
     * @throws IllegalArgumentException when it is no JSON object or has no whole-number {@code $version}
     */
    static TwinProperties of(Object side, String name) {
        if (!(side instanceof Map<?, ?> object)) {
            throw new IllegalArgumentException("the twin's " + name + " properties are no JSON object");
        }
        Map<String, Object> values = new LinkedHashMap<>();
        object.forEach((key, value) -> values.put((String) key, value));
        Object version = values.remove(VERSION);
        if (!(version instanceof Double number) || number != Math.rint(number)) {
            throw new IllegalArgumentException("the twin's " + name + " properties have no " + VERSION);
        }
        return new TwinProperties(values, number.longValue());
    }
}
