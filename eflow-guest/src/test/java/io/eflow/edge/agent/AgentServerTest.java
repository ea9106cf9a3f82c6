package io.eflow.edge.agent;

import io.eflow.contract.manifest.ManifestException;
import io.eflow.contract.wire.AgentRequest;
import io.eflow.contract.wire.Failure;
import io.eflow.contract.wire.Handler;
import io.eflow.contract.wire.HubRequest;
import io.eflow.contract.wire.LogLine;
import io.eflow.contract.wire.ProvisioningState;
import io.eflow.contract.wire.Reply;
import io.eflow.contract.wire.RequestException;
import io.eflow.contract.wire.Wire;
import io.eflow.edge.image.ImageException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The runtime's socket over a real UNIX socket: every request gets one typed answer, whatever goes wrong. */
class AgentServerTest {
    @TempDir
    Path dir;
    private AgentServer server;

    @AfterEach
    void close() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    private Path start(Handler<AgentRequest<?>> agent) throws IOException {
        Path socket = dir.resolve("agent.sock");
        server = new AgentServer(agent, (request, stream) -> {
            if (request instanceof HubRequest.Ca) {
                return new Reply.CaCertificate("PEM");
            }
            throw new IllegalStateException("not in this test");
        }, (request, stream) -> new Reply.ProvisioningReply(ProvisioningState.notProvisioned()), socket);
        return socket;
    }

    /** Sends one line and returns every line the server wrote until it closed the connection. */
    private static List<Reply> exchange(Path socket, String line) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
            channel.shutdownOutput();
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
            List<Reply> replies = new ArrayList<>();
            for (String answer = in.readLine(); answer != null; answer = in.readLine()) {
                replies.add(Wire.readReply(answer.getBytes(StandardCharsets.UTF_8)));
            }
            return replies;
        }
    }

    @Test
    void aRequestIsAnsweredByItsFamilysHandler() throws IOException {
        Path socket = start((request, stream) -> new Reply.Done());

        assertThat(exchange(socket, "{\"op\":\"restart\",\"module\":\"filter\"}\n")).containsExactly(new Reply.Done());
        assertThat(exchange(socket, "{\"op\":\"hub-ca\"}")).containsExactly(new Reply.CaCertificate("PEM"));
    }

    @Test
    void anUnknownOperationIsABadRequestThatNamesIt() throws IOException {
        Path socket = start((request, stream) -> new Reply.Done());

        List<Reply> replies = exchange(socket, "{\"op\":\"reboot\"}\n");

        assertThat(replies).singleElement().isInstanceOfSatisfying(Failure.class, f -> {
            assertThat(f.kind()).isEqualTo(Failure.Kind.BAD_REQUEST);
            assertThat(f.message()).contains("reboot");
        });
    }

    @Test
    void aMalformedLineIsABadRequest() throws IOException {
        Path socket = start((request, stream) -> new Reply.Done());

        assertThat(exchange(socket, "{not json\n")).singleElement()
                .isInstanceOfSatisfying(Failure.class, f -> assertThat(f.kind()).isEqualTo(Failure.Kind.BAD_REQUEST));
        assertThat(exchange(socket, "")).singleElement()
                .isInstanceOfSatisfying(Failure.class, f -> assertThat(f.kind()).isEqualTo(Failure.Kind.BAD_REQUEST));
        assertThat(exchange(socket, "{\"op\":\"restart\",\"module\":[1,2]}\n")).singleElement()
                .isInstanceOfSatisfying(Failure.class, f -> assertThat(f.kind()).isEqualTo(Failure.Kind.BAD_REQUEST));
    }

    @Test
    void anUnexpectedExceptionIsAnInternalFailureInOneLineAndTheServerGoesOn() throws IOException {
        Path socket = start((request, stream) -> {
            throw new NullPointerException("module\nrecord gone");
        });

        assertThat(exchange(socket, "{\"op\":\"list\"}\n")).singleElement().isInstanceOfSatisfying(Failure.class, f -> {
            assertThat(f.kind()).isEqualTo(Failure.Kind.INTERNAL);
            assertThat(f.message()).startsWith("NullPointerException: module record gone").doesNotContain("\n");
        });
        assertThat(exchange(socket, "{\"op\":\"hub-ca\"}\n")).containsExactly(new Reply.CaCertificate("PEM"));
    }

    @Test
    void anErrorIsAnsweredTooNotJustExceptions() throws IOException {
        Path socket = start((request, stream) -> {
            throw new StackOverflowError();
        });

        assertThat(exchange(socket, "{\"op\":\"list\"}\n")).singleElement()
                .isInstanceOfSatisfying(Failure.class, f -> assertThat(f.kind()).isEqualTo(Failure.Kind.INTERNAL));
    }

    @Test
    void theRuntimesOwnFailuresKeepTheirKind() {
        assertThat(AgentServer.failure(RequestException.notFound("no module named 'x' is deployed")))
                .isEqualTo(Failure.of(Failure.Kind.NOT_FOUND, "no module named 'x' is deployed"));
        assertThat(AgentServer.failure(new ManifestException("modulesContent.$edgeAgent", "is missing")))
                .isEqualTo(new Failure(Failure.Kind.MANIFEST, "is missing", "modulesContent.$edgeAgent"));
        assertThat(AgentServer.failure(new ImageException("not an image archive")).kind()).isEqualTo(Failure.Kind.IMAGE);
        assertThat(AgentServer.failure(new IllegalArgumentException("bad since")).kind()).isEqualTo(Failure.Kind.BAD_REQUEST);
        assertThat(AgentServer.failure(new IOException("disk full")))
                .isEqualTo(Failure.of(Failure.Kind.INTERNAL, "IOException: disk full (the runtime's log has the details)"));
    }

    @Test
    void aStreamSendsItsDataThenItsEnd() throws IOException {
        Instant time = Instant.parse("2026-01-01T00:00:00Z");
        Path socket = start((request, stream) -> {
            stream.send(new LogLine(time, "stdout", "one"));
            stream.send(new LogLine(time, "stderr", "two"));
            return new Reply.End();
        });

        assertThat(exchange(socket, "{\"op\":\"logs\",\"module\":\"filter\",\"follow\":false}\n")).containsExactly(
                new LogLine(time, "stdout", "one"), new LogLine(time, "stderr", "two"), new Reply.End());
    }

    @Test
    void aFollowSeesTheHostHangUp() throws Exception {
        CountDownLatch ended = new CountDownLatch(1);
        Path socket = start((request, stream) -> {
            while (stream.open()) {
                Thread.sleep(20);
            }
            ended.countDown();
            return new Reply.End();
        });

        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap("{\"op\":\"logs\",\"module\":\"m\",\"follow\":true}\n".getBytes(StandardCharsets.UTF_8)));
            assertThat(ended.await(300, TimeUnit.MILLISECONDS)).as("still following while the host is there").isFalse();
        }
        assertThat(ended.await(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void theSocketIsTheOwnersOnly() throws IOException {
        Path socket = start((request, stream) -> new Reply.Done());

        assertThat(Files.getPosixFilePermissions(socket)).extracting(Object::toString).containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
    }
}
