package io.eflow.samples.sensor;

import io.eflow.samples.module.Env;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SensorSettingsTest {
    @Test
    void aReadingEverySecondWithoutLimitByDefault() {
        SensorSettings settings = SensorSettings.from(new Env(Map.of()));

        assertThat(settings.interval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(settings.unlimited()).isTrue();
    }

    @Test
    void intervalAndCountFromTheEnvironmentZeroBeingNoLimit() {
        assertThat(SensorSettings.from(new Env(Map.of("SEND_INTERVAL_MS", "250", "MESSAGE_COUNT", "10"))))
                .isEqualTo(new SensorSettings(Duration.ofMillis(250), 10));
        assertThat(SensorSettings.from(new Env(Map.of("MESSAGE_COUNT", "0"))).unlimited()).isTrue();
    }

    @Test
    void noZeroIntervalNorNegativeCount() {
        assertThatThrownBy(() -> SensorSettings.from(new Env(Map.of("SEND_INTERVAL_MS", "0"))))
                .hasMessageContaining("SEND_INTERVAL_MS must be at least 1");
        assertThatThrownBy(() -> SensorSettings.from(new Env(Map.of("MESSAGE_COUNT", "-1"))))
                .hasMessageContaining("MESSAGE_COUNT must be at least 0");
    }
}
