package io.eflow.samples.sensor;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.random.RandomGenerator;

/**
 * A machine that heats up slowly: its temperature rises by 0.05 to 0.30 degrees a reading from {@link #START},
 * with up to half a degree of noise, and starts over from {@link #START} once past {@link #MAX} (a cool-down), so
 * a filter with a threshold between the two sees quiet stretches and alerts in turn. The pressure follows the
 * temperature from 1 to 10; the ambient air stays near 21 degrees and 24 to 26 % humidity. The direct method
 * {@code reset} cools it down at once, as IoT Edge's simulated temperature sensor's does.
 */
public final class MachineSimulator {
    public static final double START = 20.0;
    public static final double MAX = 100.0;

    private final RandomGenerator random;
    // readings come from the module's loop, resets from its direct method
    private volatile double machine = START;

    public MachineSimulator(RandomGenerator random) {
        this.random = random;
    }

    /** The machine cooled down: the next reading starts again from {@link #START}. */
    public void reset() {
        machine = START;
    }

    public Reading next(Instant now) {
        machine += 0.05 + random.nextDouble() * 0.25;
        if (machine > MAX) {
            machine = START;
        }
        double temperature = machine + random.nextDouble() - 0.5;
        double pressure = Math.max(1.0, 1.0 + (temperature - START) / (MAX - START) * 9.0);
        double ambient = 21.0 + random.nextDouble() - 0.5;
        double humidity = 24 + random.nextInt(3);
        return new Reading(round(temperature), round(pressure), round(ambient), humidity,
                now.truncatedTo(ChronoUnit.MILLIS));
    }

    private static double round(double value) {
        return Math.round(value * 100.0) / 100.0;
    }
}
