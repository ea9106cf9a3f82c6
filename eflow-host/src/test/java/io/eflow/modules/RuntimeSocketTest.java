package io.eflow.modules;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eflow.platform.EflowException;
import io.eflow.platform.Json;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The host's side of the agent protocol, against an agent scripted in the same protocol. No root, no guest. */
class AgentLinkTest {
    private final ScriptedAgent agent = new ScriptedAgent();
    private final AgentLink link = new AgentLink(agent, Duration.ofMillis(100));

    private static ObjectNode op(String op) {
        return Json.MAPPER.createObjectNode().put("op", op);
    }

    @Test
    void aCallSendsOneLineAndEndsItsInputSoTheAgentSeesTheWholeRequest() {
        AtomicBoolean inputEnded = new AtomicBoolean();
        agent.answer("hub-ca", (request, stdin, out) -> {
            inputEnded.set(stdin.read() < 0);
            out.write("{\"ok\":true,\"pem\":\"PEM\"}\n".getBytes(StandardCharsets.UTF_8));
        });

        assertThat(link.call("edge1", op("hub-ca")).path("pem").asText()).isEqualTo("PEM");
        assertThat(agent.request("hub-ca")).isEqualTo(op("hub-ca"));
        assertThat(inputEnded).isTrue();
    }

    @Test
    void theAgentsRefusalIsA400InItsOwnWords() {
        agent.answer("hub-identity-show", "{\"ok\":false,\"error\":\"no identity named 'x'\"}");

        assertThatThrownBy(() -> link.call("edge1", op("hub-identity-show")))
                .isInstanceOfSatisfying(EflowException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessage("no identity named 'x'");
    }

    @Test
    void noAnswerIsAFailureThatNamesTheRequest() {
        agent.answer("hub-status");

        assertThatThrownBy(() -> link.call("edge1", op("hub-status")))
                .isInstanceOfSatisfying(EflowException.class, e -> assertThat(e.status()).isEqualTo(500))
                .hasMessageStartingWith("the edge agent in guest 'edge1' did not answer 'hub-status'");
    }

    @Test
    void aLineThatCannotBeReadFailsTheCallButNeverTheWriterThatIsTheSshChannel() {
        AtomicBoolean writerFailed = new AtomicBoolean();
        agent.answer("hub-status", (request, stdin, out) -> {
            try {
                out.write("garbage\n{\"more\":1}\n{\"ok\":true}\n".getBytes(StandardCharsets.UTF_8));
            } catch (RuntimeException e) {
                writerFailed.set(true);
            }
        });

        assertThatThrownBy(() -> link.call("edge1", op("hub-status")))
                .isInstanceOf(EflowException.class).hasMessage("the edge agent answered something that is not JSON: garbage");
        assertThat(writerFailed).isFalse();
    }

    @Test
    void aFollowPassesLinesOnAndEndsInTheGuestWhenItsReaderLeaves() throws Exception {
        agent.follow("hub-subscribe", "{\"n\":1}", "{\"n\":2}");
        Reader reader = new Reader();

        CompletableFuture<Void> follow = CompletableFuture.runAsync(() -> link.follow("edge1", op("hub-subscribe"), reader));
        await().atMost(Duration.ofSeconds(5)).until(() -> reader.text().contains("{\"n\":2}\n"));
        assertThat(agent.hostLeft().getCount()).as("the agent still follows while the reader reads").isOne();
        reader.leave();

        assertThat(agent.hostLeft().await(5, TimeUnit.SECONDS)).as("the agent saw the host leave").isTrue();
        assertThatThrownBy(() -> follow.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(UncheckedIOException.class);
        assertThat(reader.text().strip()).isEqualTo("{\"n\":1}\n{\"n\":2}");
    }

    @Test
    void aSilentFollowWritesBlankLinesSoALeftReaderIsNoticed() throws Exception {
        agent.follow("logs");
        Reader reader = new Reader();

        CompletableFuture<Void> follow = CompletableFuture.runAsync(() -> link.follow("edge1", op("logs"), reader));
        await().atMost(Duration.ofSeconds(5)).until(() -> reader.text().startsWith("\n\n"));
        reader.leave();

        assertThat(agent.hostLeft().await(5, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> follow.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(UncheckedIOException.class);
        assertThat(reader.text()).isBlank();
    }

    @Test
    void aFollowTheAgentEndsWithAnErrorSaysWhy() {
        agent.answer("hub-subscribe", "{\"n\":1}", "{\"ok\":false,\"error\":\"the hub is not running\"}");
        Reader reader = new Reader();

        assertThatThrownBy(() -> link.follow("edge1", op("hub-subscribe"), reader))
                .isInstanceOf(EflowException.class).hasMessage("the hub is not running");
        assertThat(reader.text()).isEqualTo("{\"n\":1}\n");
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
