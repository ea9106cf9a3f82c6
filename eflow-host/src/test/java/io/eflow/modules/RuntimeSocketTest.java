package io.eflow.modules;

import io.eflow.contract.wire.AgentRequest;
import io.eflow.contract.wire.Failure;
import io.eflow.contract.wire.HubRequest;
import io.eflow.contract.wire.LogLine;
import io.eflow.contract.wire.Reply;
import io.eflow.contract.wire.Wire;
import io.eflow.platform.EflowException;
import io.eflow.platform.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The host's side of the wire, against a runtime scripted in the same protocol. No root, no guest. */
class RuntimeSocketTest {
    private static final String MESSAGE = "{\"reply\":\"message\",\"time\":\"2026-01-01T00:00:00Z\",\"module\":\"m\","
            + "\"properties\":{},\"systemProperties\":{},\"body\":\"";
    private final ScriptedAgent agent = new ScriptedAgent();
    private final RuntimeSocket link = new RuntimeSocket(agent, Duration.ofMillis(100));

    private static String message(int n) {
        return MESSAGE + Base64.getEncoder().encodeToString(("m" + n).getBytes(StandardCharsets.UTF_8)) + "\"}";
    }

    @Test
    void aCallSendsOneLineAndEndsItsInputSoTheAgentSeesTheWholeRequest() throws Exception {
        AtomicBoolean inputEnded = new AtomicBoolean();
        agent.answer("hub-ca", (request, stdin, out) -> {
            inputEnded.set(stdin.read() < 0);
            out.write(Wire.line(new Reply.CaCertificate("PEM")));
        });

        assertThat(link.call("edge1", new HubRequest.Ca()).pem()).isEqualTo("PEM");
        assertThat(agent.request("hub-ca")).isEqualTo(Json.MAPPER.readTree("{\"op\":\"hub-ca\"}"));
        assertThat(inputEnded).isTrue();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "bad-request | | 400 | the request needs 'name'",
            "not-found   | | 404 | no identity named 'x'",
            "manifest    | modulesContent.$edgeAgent | 400 | invalid deployment manifest: modulesContent.$edgeAgent: is missing",
            "image       | | 400 | not an OCI image layout or docker archive",
            "conflict    | | 409 | module 'm' has no logs yet",
            "timeout     | | 504 | m did not answer 'reset' within 35 s",
            "internal    | | 500 | the edge runtime in guest 'edge1' failed on 'hub-identity-show': NullPointerException: x",
    })
    void eachFailureKindIsItsStatusAndOneLine(String kind, String path, int status, String line) throws Exception {
        String message = switch (kind) {
            case "internal" -> "NullPointerException: x";
            case "manifest" -> "is missing";
            default -> line;
        };
        Failure failure = new Failure(Json.MAPPER.convertValue(kind, Failure.Kind.class), message, path);
        agent.answer("hub-identity-show", new String(Wire.line(failure), StandardCharsets.UTF_8).strip());

        assertThatThrownBy(() -> link.call("edge1", new HubRequest.ShowIdentity("x")))
                .isInstanceOfSatisfying(EflowException.class, e -> assertThat(e.status()).isEqualTo(status))
                .hasMessage(line);
    }

    @Test
    void noAnswerIsAFailureThatNamesTheRequest() {
        agent.answer("hub-status");

        assertThatThrownBy(() -> link.call("edge1", new HubRequest.Status()))
                .isInstanceOfSatisfying(EflowException.class, e -> assertThat(e.status()).isEqualTo(500))
                .hasMessageStartingWith("the edge runtime in guest 'edge1' did not answer 'hub-status'");
    }

    @Test
    void aReplyOfAnotherTypeIsABrokenRuntimeNotACastThatFailsLater() {
        agent.answer("hub-ca", "{\"reply\":\"done\"}");

        assertThatThrownBy(() -> link.call("edge1", new HubRequest.Ca()))
                .isInstanceOfSatisfying(EflowException.class, e -> assertThat(e.status()).isEqualTo(500))
                .hasMessage("the edge runtime in guest 'edge1' answered 'hub-ca' with Done, not CaCertificate");
    }

    @Test
    void theOldUntypedEndIsNotMistakenForAnAnswer() {
        agent.answer("hub-ca", "{\"ok\":true,\"pem\":\"PEM\"}");

        assertThatThrownBy(() -> link.call("edge1", new HubRequest.Ca()))
                .isInstanceOf(EflowException.class).hasMessageContaining("answered something this host does not understand");
    }

    @Test
    void aStreamPassesItsDataOnAndEndsOnItsEndRecord() {
        agent.answer("logs", "{\"reply\":\"log\",\"time\":\"2026-01-01T00:00:00Z\",\"stream\":\"stdout\",\"text\":\"a\"}",
                "{\"reply\":\"end\"}");
        List<Reply.Data> data = new ArrayList<>();

        link.stream("edge1", new AgentRequest.Logs("m", null, null, false), data::add);

        assertThat(data).containsExactly(new LogLine(Instant.parse("2026-01-01T00:00:00Z"), "stdout", "a"));
    }

    @Test
    void aLineThatCannotBeReadFailsTheCallButNeverTheWriterThatIsTheSshChannel() {
        AtomicBoolean writerFailed = new AtomicBoolean();
        agent.answer("hub-status", (request, stdin, out) -> {
            try {
                out.write("garbage\n{\"more\":1}\n{\"reply\":\"done\"}\n".getBytes(StandardCharsets.UTF_8));
            } catch (RuntimeException e) {
                writerFailed.set(true);
            }
        });

        assertThatThrownBy(() -> link.call("edge1", new HubRequest.Status()))
                .isInstanceOf(EflowException.class).hasMessageStartingWith("the edge runtime in guest 'edge1' answered something"
                        + " this host does not understand: not a reply this runtime knows").hasMessageContaining("'garbage'");
        assertThat(writerFailed).isFalse();
    }

    @Test
    void aFollowPassesLinesOnAndEndsInTheGuestWhenItsReaderLeaves() throws Exception {
        agent.follow("hub-subscribe", message(1), message(2));
        Reader reader = new Reader();

        CompletableFuture<Void> follow = CompletableFuture.runAsync(() -> link.follow("edge1", new HubRequest.Subscribe(null, null), reader));
        await().atMost(Duration.ofSeconds(5)).until(() -> reader.text().lines().filter(l -> !l.isBlank()).count() == 2);
        assertThat(agent.hostLeft().getCount()).as("the agent still follows while the reader reads").isOne();
        reader.leave();

        assertThat(agent.hostLeft().await(5, TimeUnit.SECONDS)).as("the agent saw the host leave").isTrue();
        assertThatThrownBy(() -> follow.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(UncheckedIOException.class);
        assertThat(reader.text().strip()).as("the REST form: the records without their wire kind").isEqualTo(
                "{\"time\":\"2026-01-01T00:00:00Z\",\"module\":\"m\",\"output\":null,\"properties\":{},\"systemProperties\":{},\"body\":\"bTE=\"}\n"
                + "{\"time\":\"2026-01-01T00:00:00Z\",\"module\":\"m\",\"output\":null,\"properties\":{},\"systemProperties\":{},\"body\":\"bTI=\"}");
    }

    @Test
    void aSilentFollowWritesBlankLinesSoALeftReaderIsNoticed() throws Exception {
        agent.follow("logs");
        Reader reader = new Reader();

        CompletableFuture<Void> follow = CompletableFuture.runAsync(() -> link.follow("edge1", new AgentRequest.Logs("m", null, null, true), reader));
        await().atMost(Duration.ofSeconds(5)).until(() -> reader.text().startsWith("\n\n"));
        reader.leave();

        assertThat(agent.hostLeft().await(5, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> follow.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(UncheckedIOException.class);
        assertThat(reader.text()).isBlank();
    }

    @Test
    void aFollowTheAgentEndsWithAnErrorSaysWhy() {
        agent.answer("hub-subscribe", message(1), "{\"reply\":\"error\",\"kind\":\"conflict\",\"message\":\"the hub is not running\"}");
        Reader reader = new Reader();

        assertThatThrownBy(() -> link.follow("edge1", new HubRequest.Subscribe(null, null), reader))
                .isInstanceOf(EflowException.class).hasMessage("the hub is not running");
        assertThat(reader.text()).contains("\"body\":\"bTE=\"").hasLineCount(1);
    }

    /** A reader of a follow that can leave, after which every write fails as a closed connection's would. */
    private static final class Reader extends OutputStream {
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private volatile boolean gone;

        void leave() {
            gone = true;
        }

        synchronized String text() {
            return received.toString(StandardCharsets.UTF_8);
        }

        @Override
        public synchronized void write(int b) throws IOException {
            if (gone) {
                throw new IOException("Broken pipe");
            }
            received.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            if (gone) {
                throw new IOException("Broken pipe");
            }
            received.write(b, off, len);
        }
    }
}
