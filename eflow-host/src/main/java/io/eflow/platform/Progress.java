package io.eflow.platform;

import java.util.function.Consumer;

/**
 * Where long work reports how it goes: a line per step, and for a step that moves through bytes (a slot written from a
 * bundle) or through a tool's known phases, how far it got. Anything that takes only lines takes a {@code Consumer<String>}; {@link #of} lends such a
 * consumer the byte reports' default, which drops them.
 */
public interface Progress extends Consumer<String> {

    /** {@code done} of {@code total} bytes of {@code step} (the line that announced it). */
    default void bytes(String step, long done, long total) {
    }

    /**
     * A tool that tells its phases but not its bytes (mmdebstrap) is at phase {@code done} of {@code total}, named
     * {@code phase}.
     */
    default void phase(String step, int done, int total, String phase) {
    }

    static Progress of(Consumer<String> lines) {
        return lines instanceof Progress progress ? progress : lines::accept;
    }
}
