package io.eflow.daemon.api;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CliLineTest {
    @Test
    void aLineSurvivesItsEncodingWithEmptyArgumentsAndEqualsSignsInValues() {
        CliLine line = new CliLine("UTF-8", "/home/ü", Map.of("EFLOW_HOME", "/x", "OPTS", "a=b=c", "EMPTY", ""),
                List.of("invoke", "--name", "a", "--", "sh", "-c", "", "echo 'ü'"));

        assertThat(CliLine.decode(line.encode())).isEqualTo(line);
        assertThat(CliLine.decode(new CliLine("US-ASCII", "/", Map.of(), List.of()).encode()).args()).isEmpty();
    }

    @Test
    void anythingElseIsRefused() {
        byte[] good = new CliLine("UTF-8", "/", Map.of("A", "1"), List.of("list")).encode();

        assertThatThrownBy(() -> CliLine.decode("list".getBytes(StandardCharsets.UTF_8))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CliLine.decode(Arrays.copyOf(good, good.length - 1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CliLine.decode("eflow-cli-line/1\0UTF-8\0/\0A=1\0".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("no end to its environment");
        assertThatThrownBy(() -> CliLine.decode("eflow-cli-line/1\0UTF-8\0/\0=1\0\0list\0".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("not an environment entry");
        assertThatThrownBy(() -> CliLine.decode("eflow-cli-line/2\0UTF-8\0/\0\0list\0".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anAnswerCarriesItsBytesAndExitCodeAndACutOneIsAnError() throws IOException {
        byte[] out = {0, 1, 2, '\n', (byte) 0xff};
        byte[] encoded = new CliLine.Answer(3, out, "eflow: no\n".getBytes(StandardCharsets.UTF_8)).encode();

        CliLine.Answer answer = CliLine.Answer.read(new ByteArrayInputStream(encoded));

        assertThat(answer.exitCode()).isEqualTo(3);
        assertThat(answer.out()).isEqualTo(out);
        assertThat(new String(answer.err(), StandardCharsets.UTF_8)).isEqualTo("eflow: no\n");
        assertThatThrownBy(() -> CliLine.Answer.read(new ByteArrayInputStream(Arrays.copyOf(encoded, encoded.length - 1))))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> CliLine.Answer.read(new ByteArrayInputStream("x 1 1\nab".getBytes(StandardCharsets.US_ASCII))))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> CliLine.Answer.read(new ByteArrayInputStream(new byte[0]))).isInstanceOf(IOException.class);
    }
}
