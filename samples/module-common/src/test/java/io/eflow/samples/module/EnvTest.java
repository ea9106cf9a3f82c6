package io.eflow.samples.module;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EnvTest {
    @Test
    void unsetAndBlankVariablesTakeTheDefault() {
        Env env = new Env(Map.of("BLANK", "  "));

        assertThat(env.whole("BLANK", 7, 0)).isEqualTo(7);
        assertThat(env.whole("UNSET", 8, 0)).isEqualTo(8);
        assertThat(env.decimal("UNSET", 25.0)).isEqualTo(25.0);
        assertThat(env.string("BLANK", "x")).isEqualTo("x");
    }

    @Test
    void valuesAreTrimmedAndParsed() {
        Env env = new Env(Map.of("COUNT", " 12 ", "THRESHOLD", "30.5", "NEGATIVE", "-4"));

        assertThat(env.whole("COUNT", 0, 0)).isEqualTo(12);
        assertThat(env.decimal("THRESHOLD", 0)).isEqualTo(30.5);
        assertThat(env.decimal("NEGATIVE", 0)).isEqualTo(-4.0);
    }

    @Test
    void badValuesNameTheVariable() {
        Env env = new Env(Map.of("COUNT", "ten", "LOW", "0", "THRESHOLD", "warm", "NAN", "NaN"));

        assertThatThrownBy(() -> env.whole("COUNT", 0, 0)).hasMessage("COUNT must be a whole number, not 'ten'");
        assertThatThrownBy(() -> env.whole("LOW", 1, 1)).hasMessage("LOW must be at least 1, not 0");
        assertThatThrownBy(() -> env.decimal("THRESHOLD", 0)).hasMessage("THRESHOLD must be a number, not 'warm'");
        assertThatThrownBy(() -> env.decimal("NAN", 0)).hasMessage("NAN must be a number, not 'NaN'");
    }
}
