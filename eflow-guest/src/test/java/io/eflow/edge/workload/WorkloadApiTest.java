package io.eflow.edge.workload;

import com.fasterxml.jackson.databind.JsonNode;
import io.eflow.edge.hub.auth.AuthenticationException;
import io.eflow.edge.hub.auth.Authenticator;
import io.eflow.edge.hub.auth.ClientId;
import io.eflow.edge.hub.auth.Credentials;
import io.eflow.edge.hub.auth.EdgeCa;
import io.eflow.edge.hub.auth.Identities;
import io.eflow.edge.hub.auth.KeyPairs;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.net.StandardProtocolFamily;
import java.net.URLEncoder;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

class WorkloadApiTest {
    private static final String HUB = "hub.example";
    private static final String V = "?api-version=2019-01-30";

    @TempDir
    Path dir;
    private Identities identities;
    private EdgeCa ca;
    private WorkloadSockets sockets;
    private Path socket;
    private ClientId filter;

    @BeforeEach
    void serve() throws IOException {
        // other users must reach the socket's folder for the ownership test; the folder itself is what keeps them out
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        identities = Identities.open(dir.resolve("identities"), "dev1");
        identities.ensureModules("dev1", Set.of("filter", "sensor"));
        ca = EdgeCa.open(dir.resolve("ca"), "dev1");
        sockets = new WorkloadSockets(dir.resolve("workload"), new WorkloadApi(identities, ca, () -> HUB, Clock.systemUTC()));
        int uid = (Integer) Files.getAttribute(dir, "unix:uid");
        int gid = (Integer) Files.getAttribute(dir, "unix:gid");
        socket = sockets.serve("filter", uid, gid).resolve(WorkloadSockets.SOCKET);
        filter = ClientId.module("dev1", "filter");
    }

    @AfterEach
    void close() {
        sockets.close();
    }

    @Test
    void signsWithTheModulesKeyAndTheHubTakesTheTokenItMakes() throws Exception {
        String token = token(generation());
        assertThat(authenticator().authenticate(new Credentials("dev1/filter", HUB + "/dev1/filter/?api-version=2018-06-30",
                Optional.of(token), List.of()), Instant.now())).isEqualTo(filter);

        byte[] data = "anything".getBytes(StandardCharsets.UTF_8);
        UnixHttp.Answer answer = sign("filter", generation(), Base64.getEncoder().encodeToString(data));
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body().get("digest").asText()).isEqualTo(hmac(identities.find(filter).orElseThrow().key(), data));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            another module's identity          | POST | /modules/sensor/genid/GEN/sign?api-version=2019-01-30     | {"keyId":"primary","algo":"HMACSHA256","data":"eA=="} | 403 | may act only for itself
            a stale generation                 | POST | /modules/filter/genid/1/sign?api-version=2019-01-30       | {"keyId":"primary","algo":"HMACSHA256","data":"eA=="} | 403 | not the current generation
            no api-version                     | POST | /modules/filter/genid/GEN/sign                            | {"data":"eA=="}                                       | 400 | no api-version
            an unknown api-version             | GET  | /trust-bundle?api-version=2030-01-01                      |                                                       | 400 | is not one of
            an unknown resource                | GET  | /modules?api-version=2019-01-30                           |                                                       | 404 | no such resource
            GET where POST is the verb         | GET  | /modules/filter/genid/GEN/sign?api-version=2019-01-30     |                                                       | 405 | POST is
            data that is not base64            | POST | /modules/filter/genid/GEN/sign?api-version=2019-01-30     | {"keyId":"primary","algo":"HMACSHA256","data":"%%%"}  | 400 | not base64
            no data                            | POST | /modules/filter/genid/GEN/sign?api-version=2019-01-30     | {"keyId":"primary","algo":"HMACSHA256"}               | 400 | no data
            a key the module does not have     | POST | /modules/filter/genid/GEN/sign?api-version=2019-01-30     | {"keyId":"secondary","data":"eA=="}                   | 400 | keyId 'secondary'
            another algorithm                  | POST | /modules/filter/genid/GEN/sign?api-version=2019-01-30     | {"algo":"HMACSHA1","data":"eA=="}                     | 400 | HMACSHA256 is
            a body that is not JSON            | POST | /modules/filter/genid/GEN/sign?api-version=2019-01-30     | keyId=primary                                         | 400 | not JSON
            a certificate for another module   | POST | /modules/sensor/genid/GEN/certificate/server?api-version=2019-01-30 | {"commonName":"sensor"}                  | 403 | may act only for itself
            an identity cert for another       | POST | /modules/sensor/certificate/identity?api-version=2019-01-30 | {}                                                  | 403 | may act only for itself
            a server name that is no DNS name  | POST | /modules/filter/genid/GEN/certificate/server?api-version=2019-01-30 | {"commonName":"a b"}                     | 400 | neither a DNS name
            an expiration in the past          | POST | /modules/filter/genid/GEN/certificate/server?api-version=2019-01-30 | {"commonName":"filter","expiration":"2020-01-01T00:00:00Z"} | 400 | not in the future
            an escaped slash in the module     | POST | /modules/filter%2F..%2Fsensor/genid/GEN/sign?api-version=2019-01-30 | {"data":"eA=="}                          | 403 | may act only for itself
            """)
    void refusesWithAReason(String name, String method, String target, String body, int status, String reason) throws Exception {
        UnixHttp.Answer answer = UnixHttp.request(socket, method, target.replace("GEN", generation()), body);
        assertThat(answer.status()).isEqualTo(status);
        assertThat(answer.body().get("message").asText()).contains(reason);
    }

    @Test
    void theTrustBundleIsTheEdgeCaForEveryApiVersionTheSdksSend() throws Exception {
        for (String version : List.of("2018-06-28", "2019-01-30", "2020-07-07", "2022-08-03")) {
            UnixHttp.Answer answer = UnixHttp.request(socket, "GET", "/trust-bundle?api-version=" + version, null);
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.body().get("certificate").asText()).isEqualTo(ca.caCertificatePem());
        }
    }

    @Test
    void aServerCertificateNamesTheAskedNameAndTheModuleAndComesWithItsKey() throws Exception {
        UnixHttp.Answer answer = UnixHttp.request(socket, "POST", "/modules/filter/genid/" + generation()
                + "/certificate/server" + V, "{\"commonName\":\"filter.local\",\"expiration\":\"2099-01-01T00:00:00Z\"}");
        assertThat(answer.status()).isEqualTo(201);
        List<X509Certificate> chain = certificates(answer.body());
        X509Certificate leaf = chain.get(0);
        leaf.verify(ca.certificate().getPublicKey());
        assertThat(chain.get(1)).isEqualTo(ca.certificate());
        assertThat(leaf.getSubjectAlternativeNames()).extracting(name -> (Object) name.get(1)).containsExactly("filter.local", "filter");
        assertThat(leaf.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(leaf.getNotAfter().toInstant()).isBefore(Instant.now().plusSeconds(91L * 24 * 3600));
        assertThat(answer.body().get("expiration").asText()).isEqualTo(leaf.getNotAfter().toInstant().toString());
        assertThat(KeyPairs.belongTogether(privateKey(answer.body()), leaf.getPublicKey())).isTrue();
    }

    @Test
    void anIdentityCertificateLogsTheModuleIntoTheHubOnBothPaths() throws Exception {
        for (String path : List.of("/modules/filter/certificate/identity", "/modules/filter/genid/" + generation() + "/certificate/identity")) {
            UnixHttp.Answer answer = UnixHttp.request(socket, "POST", path + V, "{}");
            assertThat(answer.status()).isEqualTo(201);
            List<X509Certificate> chain = certificates(answer.body());
            assertThat(KeyPairs.belongTogether(privateKey(answer.body()), chain.get(0).getPublicKey())).isTrue();
            assertThat(chain.get(0).getSubjectAlternativeNames()).extracting(name -> (Object) name.get(1))
                    .containsExactly("azureiot://hub.example/devices/dev1/modules/filter");
            assertThat(authenticator().authenticate(new Credentials("dev1/filter", HUB + "/dev1/filter/?api-version=2018-06-30",
                    Optional.empty(), chain), Instant.now())).isEqualTo(filter);
        }
    }

    @Test
    void anIdentityMadeAgainRefusesTheOldGenerationAndTheHubItsTokens() throws Exception {
        String old = generation();
        String oldToken = token(old);
        identities.recreate(filter);

        assertThat(generation()).isNotEqualTo(old);
        assertThat(sign("filter", old, "eA==").status()).isEqualTo(403);
        assertThatThrownBy(() -> authenticator().authenticate(new Credentials("dev1/filter",
                HUB + "/dev1/filter/?api-version=2018-06-30", Optional.of(oldToken), List.of()), Instant.now()))
                .isInstanceOf(AuthenticationException.class).hasMessageContaining("wrong key");
        String newToken = token(generation());
        assertThat(authenticator().authenticate(new Credentials("dev1/filter", HUB + "/dev1/filter/?api-version=2018-06-30",
                Optional.of(newToken), List.of()), Instant.now())).isEqualTo(filter);
        // a restart finds the same generation: it is the identity's, not the process's
        assertThat(Identities.open(dir.resolve("identities"), "dev1").find(filter).orElseThrow().generationId()).isEqualTo(generation());
    }

    @Test
    void requestsMayShareAConnectionAndAnOversizedOneIsRefused() throws Exception {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            for (int i = 0; i < 2; i++) {
                channel.write(ByteBuffer.wrap(UnixHttp.raw("GET", "/trust-bundle" + V, null, false)));
                assertThat(readOne(channel).status()).isEqualTo(200);
            }
        }
        // the length alone is refused: the body is not waited for (the server closes, so the test sends none)
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap(("POST /modules/filter/genid/" + generation() + "/sign" + V + " HTTP/1.1\r\n"
                    + "Host: workload.sock\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII)));
            assertThat(readOne(channel).status()).isEqualTo(413);
        }
    }

    @Test
    void theSocketIsOnlyItsModulesUsers() throws Exception {
        assertThat(Files.getPosixFilePermissions(socket.getParent())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(Files.getPosixFilePermissions(socket)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assumeThat(Files.getAttribute(dir, "unix:uid")).as("changing users needs root").isEqualTo(0);
        Path sensor = sockets.serve("sensor", 4242, 4242).resolve(WorkloadSockets.SOCKET);
        assertThat(Files.getAttribute(sensor, "unix:uid")).isEqualTo(4242);
        assertThat(connectAs(4242, sensor)).as("the module's user").contains("HTTP/1.1 200");
        assertThat(connectAs(4343, sensor)).as("another user").doesNotContain("HTTP/1.1").contains("Permission denied");
        assertThat(connectAs(4343, socket)).as("another user, the filter's socket").doesNotContain("HTTP/1.1");
    }

    @Test
    void stoppingAModuleRemovesItsSocket() throws Exception {
        sockets.stop("filter");
        assertThat(socket.getParent()).doesNotExist();
    }

    private static String connectAs(int uid, Path target) throws Exception {
        Process process = new ProcessBuilder("setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups",
                "socat", "-t", "0.5", "-", "UNIX-CONNECT:" + target).redirectErrorStream(true).start();
        process.getOutputStream().write(UnixHttp.raw("GET", "/trust-bundle" + V, null, true));
        process.getOutputStream().close();
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    private static UnixHttp.Answer readOne(SocketChannel channel) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        while (true) {
            channel.read(buffer);
            all.write(buffer.array(), 0, buffer.position());
            buffer.clear();
            String text = all.toString(StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            if (end > 0) {
                int length = Integer.parseInt(text.replaceAll("(?s).*[Cc]ontent-[Ll]ength: *([0-9]+).*", "$1"));
                if (all.size() >= end + 4 + length) {
                    return UnixHttp.parse(text);
                }
            }
        }
    }

    private String generation() {
        return identities.find(filter).orElseThrow().generationId();
    }

    private UnixHttp.Answer sign(String module, String generation, String data) throws IOException {
        return UnixHttp.request(socket, "POST", "/modules/" + module + "/genid/" + generation + "/sign" + V,
                "{\"keyId\":\"primary\",\"algo\":\"HMACSHA256\",\"data\":\"" + data + "\"}");
    }

    /** A SAS token as the SDKs make one through the workload API: they send the string to sign, it signs. */
    private String token(String generation) throws IOException {
        String resource = URLEncoder.encode(HUB + "/devices/dev1/modules/filter", StandardCharsets.UTF_8);
        long expiry = Instant.now().getEpochSecond() + 3600;
        String toSign = resource + "\n" + expiry;
        UnixHttp.Answer answer = sign("filter", generation, Base64.getEncoder().encodeToString(toSign.getBytes(StandardCharsets.UTF_8)));
        assertThat(answer.status()).isEqualTo(200);
        return "SharedAccessSignature sr=" + resource + "&sig="
                + URLEncoder.encode(answer.body().get("digest").asText(), StandardCharsets.UTF_8) + "&se=" + expiry;
    }

    private Authenticator authenticator() {
        return new Authenticator(identities, ca, HUB, "dev1");
    }

    private static String hmac(String key, byte[] data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(key), "HmacSHA256"));
        return Base64.getEncoder().encodeToString(mac.doFinal(data));
    }

    @SuppressWarnings("unchecked")
    private static List<X509Certificate> certificates(JsonNode body) throws Exception {
        return (List<X509Certificate>) CertificateFactory.getInstance("X.509").generateCertificates(
                new ByteArrayInputStream(body.get("certificate").asText().getBytes(StandardCharsets.US_ASCII)));
    }

    private static PrivateKey privateKey(JsonNode body) throws Exception {
        assertThat(body.at("/privateKey/type").asText()).isEqualTo("key");
        try (PEMParser parser = new PEMParser(new StringReader(body.at("/privateKey/bytes").asText()))) {
            return new JcaPEMKeyConverter().getPrivateKey((PrivateKeyInfo) parser.readObject());
        }
    }
}
