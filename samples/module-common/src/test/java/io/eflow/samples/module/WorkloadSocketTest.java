package io.eflow.samples.module;

import com.microsoft.azure.sdk.iot.device.edge.HttpsHsmTrustBundleProvider;
import com.microsoft.azure.sdk.iot.device.hsm.HttpHsmSignatureProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.URLEncoder;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The channel on real UNIX sockets: under the SDK's own workload API clients, and alone for its edges. */
class WorkloadSocketTest {
    private static final String KEY = Base64.getEncoder().encodeToString("the filter's key, 32 bytes long!".getBytes(StandardCharsets.US_ASCII));
    private static final String API_VERSION = "2019-01-30";
    /** What the SDK has signed for a token: the URL-encoded audience and the expiry. */
    private static final String DATA = "dev1.local%2Fdevices%2Fdev1%2Fmodules%2Ffilter\n1700000000";
    private static final String PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

    @TempDir
    Path dir;

    @Test
    void theSdkHasItsTokensSignedByTheWorkloadApiThroughIt() throws Exception {
        try (TestWorkloadApi api = TestWorkloadApi.start(dir.resolve("workload.sock"), PEM, Map.of("filter", KEY))) {
            HttpHsmSignatureProvider signer = new HttpHsmSignatureProvider(api.uri(), API_VERSION, new WorkloadSocket());

            String signature = signer.sign("filter", DATA, "gen-1");

            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(KEY), "HmacSHA256"));
            byte[] expected = mac.doFinal(DATA.getBytes(StandardCharsets.UTF_8));
            // the SDK hands the signature on URL-encoded, as it goes into the token
            assertThat(signature).isEqualTo(URLEncoder.encode(Base64.getEncoder().encodeToString(expected), StandardCharsets.UTF_8));
            // what the runtime's workload API is to take: the socket's path as Host, one request per connection
            assertThat(api.requests()).singleElement().asString()
                    .startsWith("POST /modules/filter/genid/gen-1/sign?api-version=" + API_VERSION + " HTTP/1.1\r\n"
                            + "Host: " + dir.resolve("workload.sock") + "\r\n")
                    .contains("Connection: close\r\n", "Content-Length: ", "\"keyId\":\"primary\"", "\"algo\":\"HMACSHA256\"",
                            "\"data\":\"" + Base64.getEncoder().encodeToString(DATA.getBytes(StandardCharsets.UTF_8)) + "\"");
        }
    }

    @Test
    void theSdkGetsTheTrustBundleThroughIt() throws Exception {
        try (TestWorkloadApi api = TestWorkloadApi.start(dir.resolve("workload.sock"), PEM, Map.of())) {
            String bundle = new HttpsHsmTrustBundleProvider().getTrustBundleCerts(api.uri(), API_VERSION, new WorkloadSocket());

            assertThat(bundle).isEqualTo(PEM);
            assertThat(api.requests()).singleElement().asString().startsWith("GET /trust-bundle?api-version=" + API_VERSION + " HTTP/1.1\r\n");
        }
    }

    @Test
    void anAnswerLongerThanTheSdksBufferIsReadWholeUntilTheRuntimeCloses() throws Exception {
        String answer = "x".repeat(5000);
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(dir.resolve("s.sock")));
            Thread peer = new Thread(() -> {
                try (SocketChannel client = server.accept()) {
                    ByteBuffer request = ByteBuffer.allocate(5);
                    while (request.hasRemaining() && client.read(request) >= 0) {
                        // the whole request
                    }
                    client.write(ByteBuffer.wrap(answer.getBytes(StandardCharsets.US_ASCII)));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            peer.start();
            WorkloadSocket socket = new WorkloadSocket();
            socket.open(dir.resolve("s.sock").toString());
            socket.write("hello".getBytes(StandardCharsets.US_ASCII));
            StringBuilder read = new StringBuilder();
            byte[] buffer = new byte[400];
            for (int n = socket.read(buffer); n >= 0; n = socket.read(buffer)) {
                read.append(new String(buffer, 0, n, StandardCharsets.US_ASCII));
            }
            socket.close();
            peer.join();

            assertThat(read.toString()).isEqualTo(answer);
        }
    }

    @Test
    void aRuntimeThatNeverAnswersFailsTheReadAfterTheTimeout() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(dir.resolve("mute.sock")));
            WorkloadSocket socket = new WorkloadSocket(Duration.ofMillis(200));
            socket.open("unix://" + dir.resolve("mute.sock"));
            try (SocketChannel accepted = server.accept()) {
                long t0 = System.nanoTime();
                assertThatThrownBy(() -> socket.read(new byte[400])).isInstanceOf(SocketTimeoutException.class)
                        .hasMessageContaining("did not answer");
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofMillis(150), Duration.ofSeconds(5));
            } finally {
                socket.close();
            }
        }
    }

    @Test
    void noRuntimeIsAnIoExceptionNamingTheSocket() {
        WorkloadSocket socket = new WorkloadSocket();

        assertThatThrownBy(() -> socket.open(dir.resolve("absent.sock").toString())).isInstanceOf(IOException.class)
                .hasMessageContaining("absent.sock");
        assertThatThrownBy(() -> socket.write(new byte[1])).isInstanceOf(IOException.class).hasMessageContaining("not open");
    }
}
