package io.eflow.instance.model;

import java.util.Locale;

/**
 * One of the two A/B slots: a root partition and a boot partition each, one active, the other written by an update.
 * On disk and on the wire a slot is its letter ({@code A}, {@code B}); file names use it in lower case.
 */
public enum Slot {
    A, B;

    public Slot other() {
        return this == A ? B : A;
    }

    /** The letter in lower case, as disk and folder names carry it ({@code root-a.img}). */
    public String fileName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
