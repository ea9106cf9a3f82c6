package io.eflow.daemon.api;

import io.eflow.platform.EflowException;
import io.eflow.platform.Json;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The checks the daemon applies to request bodies before anything reaches the instance manager. */
class WireRecordsTest {
    private static final Instant NOW = Instant.parse("2025-06-07T08:09:10Z");

    @Test
    void logsBundleIsNamedAfterTheInstanceAndTheTime() {
        assertThat(new LogsRequest(null, "/home/op").outputFor("edge1", NOW))
                .isEqualTo(Path.of("/home/op/eflow-logs-edge1-20250607T080910Z.zip"));
        assertThat(new LogsRequest("/tmp/x/../b.zip", null).outputFor("edge1", NOW)).isEqualTo(Path.of("/tmp/b.zip"));
        assertThatThrownBy(() -> new LogsRequest("b.zip", null).outputFor("edge1", NOW))
                .isInstanceOf(EflowException.class).hasMessage("output must be an absolute path, not 'b.zip'");
        assertThatThrownBy(() -> new LogsRequest(null, null).outputFor("edge1", NOW)).isInstanceOf(EflowException.class);
    }

    @Test
    void copyNeedsAnAbsoluteHostSide() {
        assertThat(new CopyRequest("/host/a", "guest/b", true).checked()).isNotNull();
        assertThat(new CopyRequest("guest/a", "/host/b", false).checked()).isNotNull();
        assertThatThrownBy(() -> new CopyRequest("a", "/guest/b", true).checked())
                .hasMessage("the host path must be absolute, not 'a'");
        assertThatThrownBy(() -> new CopyRequest("/guest/a", "b", false).checked())
                .hasMessage("the host path must be absolute, not 'b'");
        assertThatThrownBy(() -> new CopyRequest(null, "/b", true).checked()).hasMessage("from is needed for a copy");
    }

    @Test
    void invokeNeedsACommandAndAPositiveTimeout() {
        assertThat(new InvokeRequest(List.of("true"), null).timeout()).isEqualTo(Duration.ofSeconds(300));
        assertThat(new InvokeRequest(List.of("true"), 5L).timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThatThrownBy(() -> new InvokeRequest(List.of("true"), 0L).timeout())
                .hasMessage("timeoutSeconds must be at least 1 second, not 0");
        assertThatThrownBy(() -> new InvokeRequest(List.of(), null).checkedCommand()).hasMessageStartingWith("invoke needs a command");
        assertThatThrownBy(() -> new InvokeRequest(Arrays.asList("ls", null), null).checkedCommand()).isInstanceOf(EflowException.class);
    }

    @Test
    void malformedJsonIsA400WithOneLine() {
        assertThatThrownBy(() -> Json.readRequest("{\"command\": [1,".getBytes(StandardCharsets.UTF_8), InvokeRequest.class))
                .isInstanceOfSatisfying(EflowException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.getMessage()).startsWith("malformed InvokeRequest JSON: ").doesNotContain("\n");
                });
    }

    @Test
    void requestsWithUnknownFieldsAreRefusedButAnswersAreReadLeniently() {
        assertThatThrownBy(() -> Json.readRequest("{\"cpu\": 2}".getBytes(StandardCharsets.UTF_8), DeployRequest.class))
                .isInstanceOfSatisfying(EflowException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageStartingWith("malformed DeployRequest JSON: Unrecognized field \"cpu\"");
        assertThat(Json.readAnswer("{\"name\":\"a\",\"verified\":true,\"since\":1}".getBytes(StandardCharsets.UTF_8), Verification.class))
                .isEqualTo(new Verification("a", true));
        assertThatThrownBy(() -> Json.readAnswer("[".getBytes(StandardCharsets.UTF_8), Verification.class))
                .isInstanceOfSatisfying(EflowException.class, e -> assertThat(e.status()).isEqualTo(500))
                .hasMessageStartingWith("eflowd's answer is not the expected Verification JSON: ");
    }

    @Test
    void deployEventsLeaveOutEmptyFields() {
        assertThat(new String(Json.write(DeployEvent.progress("creating disks")), StandardCharsets.UTF_8))
                .isEqualTo("{\"progress\":\"creating disks\"}");
        assertThat(new String(Json.write(DeployEvent.error(409, "exists")), StandardCharsets.UTF_8))
                .isEqualTo("{\"error\":\"exists\",\"status\":409}");
    }
}
