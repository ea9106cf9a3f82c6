package io.eflow.samples.module;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class LogTest {
    @Test
    void writesOneLineWithTimeAndModule() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Clock clock = Clock.fixed(Instant.parse("2025-01-01T12:00:00.123456Z"), ZoneOffset.UTC);
        Log log = new Log("tempSensor", new PrintStream(bytes, true, StandardCharsets.UTF_8), clock);

        log.info("reading 1");

        assertThat(bytes.toString(StandardCharsets.UTF_8))
                .isEqualTo("2025-01-01T12:00:00.123Z tempSensor: reading 1" + System.lineSeparator());
    }

    @Test
    void describesAnExceptionByItsRootCause() {
        Exception wrapped = new IllegalStateException("connect failed", new ConnectException("Connection refused"));

        assertThat(Log.describe(wrapped))
                .isEqualTo("IllegalStateException: connect failed (ConnectException: Connection refused)");
        assertThat(Log.describe(new RuntimeException())).isEqualTo("RuntimeException");
    }
}
