package io.eflow.edge.agent;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A process environment built in layers, later layers winning by name. A replaced variable keeps the position of its
 * first occurrence, so the image's order (PATH first, usually) survives overrides.
 */
final class Environment {
    /** Docker's PATH for containers whose image gives none. */
    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final Map<String, String> variables = new LinkedHashMap<>();

    /** "NAME=value" entries; a bare "NAME" removes the variable, as Docker's engine reads it. */
    Environment entries(List<String> entries) {
        for (String entry : entries) {
            int equals = entry.indexOf('=');
            if (equals < 0) {
                variables.remove(entry);
            } else {
                variables.put(entry.substring(0, equals), entry.substring(equals + 1));
            }
        }
        return this;
    }

    Environment variables(Map<String, String> more) {
        variables.putAll(more);
        return this;
    }

    /** The entries as OCI wants them, PATH defaulted first when no layer set one. */
    List<String> toList() {
        Map<String, String> all = new LinkedHashMap<>();
        if (!variables.containsKey("PATH")) {
            all.put("PATH", DEFAULT_PATH);
        }
        all.putAll(variables);
        return all.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
    }
}
