package io.eflow.image;

import java.util.List;
import java.util.Optional;

/**
 * mmdebstrap's own phases, as its "I: …" lines announce them: a build's first minute has a bar that moves by what
 * mmdebstrap is doing, not by a guess at the time. Lines that name no phase (temp folders, hooks) are skipped.
 */
final class MmdebstrapPhases {
    private static final List<String> PHASES = List.of(
            "running apt-get update",
            "downloading packages",
            "extracting archives",
            "installing essential packages",
            "installing remaining packages",
            "cleaning package lists",
            "creating tarball",
            "done");
    static final int COUNT = PHASES.size();

    record Phase(int number, String name) {
    }

    private MmdebstrapPhases() {
    }

    /** The phase a stderr line of mmdebstrap starts, numbered from 1. */
    static Optional<Phase> of(String line) {
        if (!line.startsWith("I: ")) {
            return Optional.empty();
        }
        String text = line.substring(3);
        for (int i = 0; i < PHASES.size(); i++) {
            if (text.startsWith(PHASES.get(i))) {
                return Optional.of(new Phase(i + 1, PHASES.get(i)));
            }
        }
        return Optional.empty();
    }
}
