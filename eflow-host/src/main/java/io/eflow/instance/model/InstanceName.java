package io.eflow.instance.model;

import io.eflow.platform.InvalidValue;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * An instance's name: it becomes a hostname and a folder name, so DNS label rules apply, like the original's VM name.
 * In the REST API's paths a name can also be left out — the segment {@value #ONLY_INSTANCE} stands for "the only
 * instance" — which the CLI sends when the user gives no {@code --name}.
 */
public record InstanceName(String value) {
    private static final String ONLY_INSTANCE = "_";

    public InstanceName {
        if (value == null || !value.matches("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?")) {
            throw new InvalidValue("name", "must be 1-63 letters, digits or '-', not starting or ending with '-', not '" + value + "'");
        }
    }

    /** The name a deploy without one gets: the host's name and {@code -EFLOW}, as in the original. */
    public static InstanceName defaultFor(String hostname) {
        String base = hostname.split("\\.")[0].replaceAll("[^A-Za-z0-9-]", "-");
        String name = base + "-EFLOW";
        return new InstanceName(name.length() > 63 ? name.substring(name.length() - 63) : name);
    }

    /** The path segment for a name as the user gave it (the daemon checks it), or for the only instance when null. */
    public static String pathSegment(String nameOrNull) {
        return nameOrNull == null ? ONLY_INSTANCE : URLEncoder.encode(nameOrNull, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The name a path segment (already decoded) gives, checked; empty for the only instance. */
    public static Optional<InstanceName> fromPathSegment(String segment) {
        return ONLY_INSTANCE.equals(segment) ? Optional.empty() : Optional.of(new InstanceName(segment));
    }

    @Override
    public String toString() {
        return value;
    }
}
