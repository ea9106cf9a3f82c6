package io.eflow.samples.module;

import java.util.Map;

/** A module's whole twin, as a twin GET answers it: {@code {"desired":{…,"$version":n},"reported":{…,"$version":m}}}. */
public record Twin(TwinProperties desired, TwinProperties reported) {
    /**
     * The twin a GET's answer carries.
     *
     * @throws IllegalArgumentException when it is no JSON, or either side is missing or has no version
     */
    public static Twin parse(String json) {
        if (!(Json.parse(json) instanceof Map<?, ?> document)) {
            throw new IllegalArgumentException("a twin is a JSON object");
        }
        return new Twin(TwinProperties.of(document.get("desired"), "desired"),
                TwinProperties.of(document.get("reported"), "reported"));
    }
}
