package io.eflow.instance.model;

import io.eflow.platform.InvalidValue;

import java.util.Locale;

/** The seeds' log partition: 1 GB (small, the default) or 6 GB (large). */
public enum LogSize {
    SMALL(1), LARGE(6);

    private final int gigabytes;

    LogSize(int gigabytes) {
        this.gigabytes = gigabytes;
    }

    public int gigabytes() {
        return gigabytes;
    }

    public static LogSize parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidValue("logSize", "must be small (1 GB) or large (6 GB), not '" + text + "'");
        }
    }
}
