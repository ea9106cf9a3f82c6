package io.eflow.instance.model;

import io.eflow.platform.InvalidValue;

import java.util.Locale;

/** Which isolation runs a guest. {@code auto} is resolved at deploy and never stored. */
public enum BackendKind {
    AUTO, NAMESPACE, QEMU;

    public static BackendKind parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidValue("backend", "must be auto, namespace or qemu, not '" + text + "'");
        }
    }

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
