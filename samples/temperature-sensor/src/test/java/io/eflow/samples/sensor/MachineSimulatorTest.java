package io.eflow.samples.sensor;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class MachineSimulatorTest {
    private static final Instant NOW = Instant.parse("2025-01-01T12:00:00.123456Z");

    private static List<Reading> readings(int count) {
        MachineSimulator machine = new MachineSimulator(new SplittableRandom(42));
        List<Reading> readings = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            readings.add(machine.next(NOW.plusSeconds(i)));
        }
        return readings;
    }

    @Test
    void theMachineStartsColdAndHeatsUpSlowly() {
        List<Reading> readings = readings(100);

        assertThat(readings.get(0).machineTemperature()).isCloseTo(MachineSimulator.START, within(1.0));
        // 0.05 to 0.30 a reading, half a degree of noise either way
        assertThat(readings.get(99).machineTemperature()).isBetween(MachineSimulator.START + 5 - 1,
                MachineSimulator.START + 30 + 1);
        double firstTen = readings.subList(0, 10).stream().mapToDouble(Reading::machineTemperature).average()
                .orElseThrow();
        double lastTen = readings.subList(90, 100).stream().mapToDouble(Reading::machineTemperature).average()
                .orElseThrow();
        assertThat(lastTen).isGreaterThan(firstTen + 5);
    }

    @Test
    void aResetStartsTheMachineOverFromItsStartTemperature() {
        MachineSimulator machine = new MachineSimulator(new SplittableRandom(7));
        for (int i = 0; i < 200; i++) {
            machine.next(NOW);
        }
        assertThat(machine.next(NOW).machineTemperature()).isGreaterThan(MachineSimulator.START + 5);
        machine.reset();
        assertThat(machine.next(NOW).machineTemperature()).isCloseTo(MachineSimulator.START, within(1.0));
    }

    @Test
    void itCoolsDownOncePastTheMaximumAndHeatsUpAgain() {
        List<Reading> readings = readings(2000);

        assertThat(readings).allSatisfy(reading -> assertThat(reading.machineTemperature())
                .isBetween(MachineSimulator.START - 0.5, MachineSimulator.MAX + 0.5));
        assertThat(readings).anySatisfy(reading -> assertThat(reading.machineTemperature()).isGreaterThan(95));
        long coolDowns = 0;
        for (int i = 1; i < readings.size(); i++) {
            if (readings.get(i).machineTemperature() < readings.get(i - 1).machineTemperature() - 50) {
                coolDowns++;
            }
        }
        assertThat(coolDowns).isGreaterThanOrEqualTo(2);
    }

    @Test
    void pressureFollowsTemperatureAndTheAirStaysMild() {
        assertThat(readings(2000)).allSatisfy(reading -> {
            assertThat(reading.machinePressure()).isBetween(1.0, 10.1);
            assertThat(reading.ambientTemperature()).isBetween(20.5, 21.5);
            assertThat(reading.ambientHumidity()).isIn(24.0, 25.0, 26.0);
            assertThat(reading.timeCreated().getNano() % 1_000_000).isZero();
        });
        Reading hot = readings(2000).stream().filter(r -> r.machineTemperature() > 90).findFirst().orElseThrow();
        assertThat(hot.machinePressure()).isGreaterThan(8.5);
    }

    @Test
    void aReadingIsTheSensorsJson() {
        Reading reading = new Reading(21.5, 1.17, 20.98, 25, Instant.parse("2025-01-01T12:00:00.123Z"));

        assertThat(reading.toJson()).isEqualTo("{\"machine\":{\"temperature\":21.50,\"pressure\":1.17},"
                + "\"ambient\":{\"temperature\":20.98,\"humidity\":25},\"timeCreated\":\"2025-01-01T12:00:00.123Z\"}");
    }

    @Test
    void theJsonHasTwoDecimalsWhateverTheLocale() {
        Locale before = Locale.getDefault();
        Locale.setDefault(Locale.GERMANY);
        try {
            assertThat(new Reading(-3.456, 1, 21, 24, NOW).toJson()).contains("\"temperature\":-3.46,");
        } finally {
            Locale.setDefault(before);
        }
    }
}
