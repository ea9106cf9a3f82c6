package io.eflow.samples.module;

import java.util.Map;
import java.util.Optional;

/** Typed reads of a module's environment; a bad value is an {@link IllegalArgumentException} naming the variable. */
public final class Env {
    private final Map<String, String> variables;

    public Env(Map<String, String> variables) {
        this.variables = Map.copyOf(variables);
    }

    public static Env system() {
        return new Env(System.getenv());
    }

    /** The variable's value, empty when it is unset or blank. */
    public Optional<String> optional(String name) {
        return Optional.ofNullable(variables.get(name)).map(String::strip).filter(v -> !v.isEmpty());
    }

    public String string(String name, String fallback) {
        return optional(name).orElse(fallback);
    }

    /** A whole number of at least {@code minimum}. */
    public long whole(String name, long fallback, long minimum) {
        Optional<String> value = optional(name);
        if (value.isEmpty()) {
            return fallback;
        }
        long parsed;
        try {
            parsed = Long.parseLong(value.get());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, not '" + value.get() + "'");
        }
        if (parsed < minimum) {
            throw new IllegalArgumentException(name + " must be at least " + minimum + ", not " + parsed);
        }
        return parsed;
    }

    /** A finite decimal number ("25", "25.5", "-3e1"). */
    public double decimal(String name, double fallback) {
        Optional<String> value = optional(name);
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            double parsed = Double.parseDouble(value.get());
            if (Double.isFinite(parsed)) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException(name + " must be a number, not '" + value.get() + "'");
    }
}
