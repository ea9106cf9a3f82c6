package io.eflow.instance;

import io.eflow.instance.model.SerialPort;
import io.eflow.platform.InvalidValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SerialCheckTest {
    @TempDir
    Path tmp;

    @Test
    void whatIsNotASerialPortIsRefusedInOneLine() throws Exception {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        assertThatThrownBy(() -> SerialCheck.add(List.of(), new SerialPort(file.toString(), "ttyEFLOW0"))).isInstanceOf(InvalidValue.class)
                .hasMessage("serial " + file + " is not a serial port (a UART, USB serial adapter or pseudo-terminal)");
        assertThatThrownBy(() -> SerialCheck.add(List.of(), new SerialPort("/dev/null", "ttyEFLOW0")))
                .hasMessageContaining("is not a serial port");
        assertThatThrownBy(() -> SerialCheck.add(List.of(), new SerialPort(tmp.resolve("none").toString(), "ttyEFLOW0")))
                .hasMessage("serial " + tmp.resolve("none") + " does not exist");
    }

    @Test
    void guestNamesAreTtyNamesTheGuestDoesNotUseItself() {
        for (String bad : List.of("ttyS1", "tty0", "tty", "console", "ttyEFLOW/0", "eflow0", "tty EFLOW", "ttyABCDEFGHIJKLMNOPQRSTU")) {
            assertThatThrownBy(() -> new SerialPort("/dev/ttyUSB0", bad)).as(bad).isInstanceOf(InvalidValue.class)
                    .hasMessageStartingWith("guestName must be tty followed by");
        }
        assertThat(new SerialPort("/dev/ttyUSB0", "ttyPLC_1").guestName()).isEqualTo("ttyPLC_1");
        assertThatThrownBy(() -> new SerialPort("ttyUSB0", "ttyEFLOW0")).hasMessageStartingWith("serial must be an absolute path");
    }

    @Test
    void theFirstFreeNameIsTaken() {
        assertThat(SerialCheck.freeName(List.of())).isEqualTo("ttyEFLOW0");
        assertThat(SerialCheck.freeName(List.of(new SerialPort("/dev/ttyUSB0", "ttyEFLOW0"), new SerialPort("/dev/ttyUSB1", "ttyEFLOW2"))))
                .isEqualTo("ttyEFLOW1");
    }
}
