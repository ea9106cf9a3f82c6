package io.eflow.forward;

import io.eflow.platform.EflowException;
import io.eflow.platform.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ForwardTest {
    @ParameterizedTest
    @CsvSource({"8080, 127.0.0.1:8080", "127.0.0.1:8080, 127.0.0.1:8080", "localhost:8080, 127.0.0.1:8080",
            "/run/app/../app.sock, /run/app.sock"})
    void theHostSideIsALoopbackPortOrASocketPath(String given, String canonical) {
        assertThat(new Forward(Forward.Direction.INTO_GUEST, given, 80).host()).isEqualTo(canonical);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "0.0.0.0:8080 | is neither a loopback port",
            "192.168.1.4:80 | is neither a loopback port",
            "relative.sock | is neither a loopback port",
            "70000 | host port 70000 is not a port",
            "0 | host port 0 is not a port"})
    void anythingElseIsRefused(String given, String error) {
        assertThatThrownBy(() -> new Forward(Forward.Direction.INTO_GUEST, given, 80))
                .isInstanceOf(EflowException.class).hasMessageContaining(error);
    }

    @Test
    void theGuestPortIsAPortAndAForwardToTheHostGoesToAPort() {
        assertThatThrownBy(() -> new Forward(Forward.Direction.INTO_GUEST, "8080", 0)).hasMessageContaining("guest port 0");
        assertThatThrownBy(() -> new Forward(Forward.Direction.TO_HOST, "/run/registry.sock", 5000))
                .hasMessageContaining("not a UNIX socket");
        assertThat(new Forward(Forward.Direction.TO_HOST, "5000", 5000).hostSide().port()).isEqualTo(5000);
        assertThat(new Forward(Forward.Direction.INTO_GUEST, "/tmp/x.sock", 1).hostSide().socket()).isEqualTo(Path.of("/tmp/x.sock"));
    }

    @Test
    void savedFormsReadBackEqualAndPrintAsArrows() throws Exception {
        List<Forward> forwards = List.of(new Forward(Forward.Direction.INTO_GUEST, "8080", 80),
                new Forward(Forward.Direction.TO_HOST, "localhost:5000", 5000));
        byte[] saved = Json.write(forwards);
        assertThat(List.of(Json.MAPPER.readValue(saved, Forward[].class))).isEqualTo(forwards);
        assertThat(forwards).extracting(Forward::toString).containsExactly("127.0.0.1:8080 -> guest:80", "guest:5000 -> 127.0.0.1:5000");
    }
}
