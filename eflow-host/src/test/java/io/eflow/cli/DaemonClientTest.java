package io.eflow.cli;

import io.eflow.daemon.NdjsonSink;
import io.eflow.daemon.api.DeployEvent;
import io.eflow.daemon.api.DeployRequest;
import io.eflow.daemon.api.ErrorBody;
import io.eflow.daemon.api.InstanceSummary;
import io.eflow.host.HostInfo;
import io.eflow.instance.model.BackendKind;
import io.eflow.instance.model.PowerState;
import io.eflow.platform.EflowException;
import io.eflow.platform.InvalidValue;
import io.eflow.platform.Json;
import io.javalin.Javalin;
import io.javalin.http.Handler;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The CLI's HTTP client against real Jetty on a UNIX socket, with answers the instance manager cannot give yet
 * (a deploy that streams, fails late, or breaks off), written by the daemon's own {@link NdjsonSink}. Needs no root.
 */
class DaemonClientTest {
    private static final DeployRequest REQUEST = new DeployRequest("edge1", 1, 1024, 10, null, null, null, null, null, null);
    private static final InstanceSummary SUMMARY = new InstanceSummary("edge1", BackendKind.NAMESPACE, PowerState.RUNNING, "1.0.0");

    @TempDir
    Path dir;
    private final AtomicReference<Handler> deploy = new AtomicReference<>();
    private final AtomicReference<Handler> host = new AtomicReference<>();
    private Javalin server;
    private DaemonClient client;

    @BeforeEach
    void startServer() {
        Path socket = dir.resolve("test.sock");
        server = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jetty.addConnector((jetty, http) -> {
                UnixDomainServerConnector connector = new UnixDomainServerConnector(jetty, new HttpConnectionFactory(http));
                connector.setUnixDomainPath(socket);
                return connector;
            });
            config.routes.post("/v1/instances", ctx -> deploy.get().handle(ctx));
            config.routes.get("/v1/host", ctx -> host.get().handle(ctx));
        }).start();
        client = new DaemonClient(DaemonHttp.unix(socket), null);
    }

    @AfterEach
    void stopServer() {
        server.stop();
    }

    @Test
    void deployProgressArrivesWhileTheDaemonStillWorks() {
        CountDownLatch firstLineSeen = new CountDownLatch(1);
        AtomicReference<DeployRequest> received = new AtomicReference<>();
        deploy.set(ctx -> {
            received.set(Json.readRequest(ctx.bodyAsBytes(), DeployRequest.class));
            NdjsonSink out = NdjsonSink.open(ctx);
            out.send(DeployEvent.progress("creating disks"));
            // the client must see the first line before the daemon goes on: proof of streaming, not buffering
            assertThat(firstLineSeen.await(10, TimeUnit.SECONDS)).isTrue();
            out.send(DeployEvent.progress("starting"));
            out.send(DeployEvent.result(SUMMARY));
        });
        List<String> progress = new CopyOnWriteArrayList<>();

        InstanceSummary summary = client.deploy(REQUEST, line -> {
            progress.add(line);
            firstLineSeen.countDown();
        });

        assertThat(summary).isEqualTo(SUMMARY);
        assertThat(progress).containsExactly("creating disks", "starting");
        assertThat(received.get()).isEqualTo(REQUEST);
    }

    @Test
    void aLateDeployFailureKeepsItsStatusAndMessage() {
        deploy.set(ctx -> {
            NdjsonSink out = NdjsonSink.open(ctx);
            out.send(DeployEvent.progress("creating disks"));
            out.send(DeployEvent.error(507, "the data disk does not fit: 3 GB free"));
        });

        assertThatThrownBy(() -> client.deploy(REQUEST, line -> { }))
                .isInstanceOfSatisfying(EflowException.class, e -> {
                    assertThat(e.status()).isEqualTo(507);
                    assertThat(e.getMessage()).isEqualTo("the data disk does not fit: 3 GB free");
                });
    }

    @Test
    void aLateRefusalOfARequestValueStillNamesIt() {
        deploy.set(ctx -> {
            NdjsonSink out = NdjsonSink.open(ctx);
            out.send(DeployEvent.progress("verifying the bundle"));
            out.send(DeployEvent.invalid(409, "allowDowngrade is needed: bundle 0.1.0 is older than the installed 0.2.0",
                    List.of("allowDowngrade"), "is needed: bundle 0.1.0 is older than the installed 0.2.0"));
        });

        assertThatThrownBy(() -> client.deploy(REQUEST, line -> { })).isInstanceOfSatisfying(InvalidValue.class, e -> {
            assertThat(e.status()).isEqualTo(409);
            assertThat(Flags.message(e)).isEqualTo("--allow-downgrade is needed: bundle 0.1.0 is older than the installed 0.2.0");
        });
    }

    @Test
    void aDeployAnswerWithoutResultIsAnError() {
        deploy.set(ctx -> NdjsonSink.open(ctx).send(DeployEvent.progress("creating disks")));

        assertThatThrownBy(() -> client.deploy(REQUEST, line -> { }))
                .isInstanceOf(EflowException.class).hasMessageContaining("without a result");
    }

    @Test
    void refusalsBeforeTheStreamAreOrdinaryErrors() {
        deploy.set(ctx -> ctx.status(409).json(new ErrorBody("an instance named 'edge1' already exists")));

        assertThatThrownBy(() -> client.deploy(REQUEST, line -> { }))
                .isInstanceOfSatisfying(EflowException.class, e -> assertThat(e.status()).isEqualTo(409))
                .hasMessage("an instance named 'edge1' already exists");
    }

    @Test
    void anErrorAboutRequestValuesComesBackNamingThemSoTheCliCanUseItsFlags() {
        deploy.set(ctx -> ctx.status(400).json(new ErrorBody("memoryMb must be at least 1024 MB, not 512",
                List.of("memoryMb"), "must be at least 1024 MB, not 512")));

        assertThatThrownBy(() -> client.deploy(REQUEST, line -> { })).isInstanceOfSatisfying(InvalidValue.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.fields()).containsExactly("memoryMb");
            assertThat(e.getMessage()).isEqualTo("memoryMb must be at least 1024 MB, not 512");
            assertThat(Flags.message(e)).isEqualTo("--memory must be at least 1024 MB, not 512");
        });
    }

    @Test
    void anErrorWithoutJsonStillSaysTheStatus() {
        host.set(ctx -> ctx.status(418).result("<html>teapot</html>"));

        assertThatThrownBy(() -> client.hostConfig())
                .isInstanceOfSatisfying(EflowException.class, e -> assertThat(e.status()).isEqualTo(418))
                .hasMessage("eflowd answered HTTP 418");
    }

    @Test
    void largeAnswersArriveWhole() {
        String big = "x".repeat(3_000_000);
        host.set(ctx -> ctx.json(new HostInfo(1, 1, List.of(new HostInfo.Disk(big, "ext4", 1, 1)))));

        assertThat(client.hostConfig().disks().get(0).path()).hasSize(3_000_000);
    }

    @Test
    void nobodyListeningIsAClearError() {
        server.stop();

        assertThatThrownBy(() -> client.hostConfig()).isInstanceOf(EflowException.class)
                .hasMessage("eflowd is not running on " + dir.resolve("test.sock"));
    }

    @Test
    void anAnswerGivenBeforeTheBodyWasReadIsStillRead() throws Exception {
        Path socket = dir.resolve("early.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread answerer = new Thread(() -> {
                try (SocketChannel connection = server.accept()) {
                    connection.read(ByteBuffer.allocate(512));
                    connection.write(ByteBuffer.wrap(("HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n"
                            + "Content-Length: 16\r\nConnection: close\r\n\r\n{\"error\":\"gone\"}").getBytes(StandardCharsets.US_ASCII)));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            answerer.start();
            byte[] hugeBody = new byte[16 * 1024 * 1024];

            try (DaemonHttp.Response response = DaemonHttp.unix(socket).send("POST", "/v1/instances/x/logs", hugeBody)) {
                assertThat(response.status()).isEqualTo(404);
                assertThat(new String(response.bodyBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"error\":\"gone\"}");
            }
            answerer.join(10_000);
        }
    }

    @Test
    void namesAreEscapedInPaths() {
        assertThat(DaemonClient.instancePath(null, "/start")).isEqualTo("/v1/instances/_/start");
        assertThat(DaemonClient.instancePath("edge 1/..", "")).isEqualTo("/v1/instances/edge%201%2F..");
        assertThat(new String(Json.write(REQUEST), StandardCharsets.UTF_8)).contains("\"memoryMb\":1024");
    }
}
