package io.eflow.iothub.emulator;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MainTest {
    @Test
    void defaultsAreIotHubsPortsOnLoopback() {
        EmulatorOptions options = Main.parse(List.of());

        assertThat(options).isEqualTo(new EmulatorOptions("localhost", "127.0.0.1", 8883, 443, Path.of("iothub-emulator-state")));
        assertThat(Main.parse(List.of("--hostname", "hub.local", "--mqtt-port", "0", "--https-port", "0", "--state", "/tmp/s")))
                .isEqualTo(new EmulatorOptions("hub.local", "127.0.0.1", 0, 0, Path.of("/tmp/s")));
    }

    @Test
    void badArgumentsAreOneLineErrors() {
        assertThatThrownBy(() -> Main.parse(List.of("--mqtt-port", "x"))).hasMessage("--mqtt-port must be a port number, not 'x'");
        assertThatThrownBy(() -> Main.parse(List.of("--https-port", "70000"))).hasMessageContaining("0 to 65535");
        assertThatThrownBy(() -> Main.parse(List.of("--state"))).hasMessageStartingWith("--state needs a value");
        assertThatThrownBy(() -> Main.parse(List.of("--bogus", "1"))).hasMessageStartingWith("unknown option '--bogus'");
        assertThatThrownBy(() -> Main.parse(List.of("--bogus"))).hasMessageStartingWith("unknown option '--bogus'");
        assertThatThrownBy(() -> Main.parse(List.of("stray"))).hasMessageStartingWith("unexpected argument 'stray'");
        assertThatThrownBy(() -> Main.parse(List.of("--hostname", "a;b"))).hasMessageContaining("--hostname");
    }
}
