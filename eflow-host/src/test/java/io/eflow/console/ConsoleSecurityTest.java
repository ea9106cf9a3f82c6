package io.eflow.console;

import io.eflow.console.ConsoleClient.Browser;
import io.eflow.daemon.Eflowd;
import io.eflow.daemon.api.ConsoleEnable;
import io.eflow.daemon.api.ConsoleStatus;
import io.eflow.daemon.api.ConsoleUserView;
import io.eflow.daemon.api.TokenView;
import io.eflow.instance.InstanceManager;
import io.eflow.instance.model.BackendKind;
import io.eflow.instance.model.InstanceConfig;
import io.eflow.instance.model.InstanceLayout;
import io.eflow.instance.model.LogSize;
import io.eflow.instance.model.NetworkConfig;
import io.eflow.instance.model.Slot;
import io.eflow.platform.EflowPaths;
import io.eflow.platform.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The remote API's security claims, each as an attack on a real eflowd serving HTTPS on loopback: no call without a
 * session or token, roles hold, CSRF, logout and expiry end sessions, lock-out after the sixth wrong password (audited),
 * no plain HTTP, a revoked token dies at once. Runs as root, as eflowd does.
 */
@EnabledIf("io.eflow.platform.Privileges#isRoot")
class ConsoleSecurityTest {
    @TempDir
    Path home;
    private EflowPaths paths;
    private Eflowd eflowd;
    private ConsoleClient client;
    private String adminPassword;
    private int port;

    @BeforeEach
    void enable() throws IOException {
        paths = EflowPaths.from(Map.of("EFLOW_HOME", home.toString()));
        eflowd = Eflowd.start(paths, new InstanceManager(paths));
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        ConsoleStatus status = eflowd.console().enable(new ConsoleEnable("127.0.0.1:" + port, null, null, "3s", null));
        assertThat(status.url()).isEqualTo("https://127.0.0.1:" + port + "/");
        assertThat(status.firstAdmin()).isEqualTo("admin");
        adminPassword = status.firstPassword();
        client = new ConsoleClient(URI.create(status.url()), Path.of(status.caFile()));
    }

    @AfterEach
    void stop() {
        eflowd.close();
    }

    @Test
    void everyCallWithoutASessionOrTokenIsRefused() throws Exception {
        for (List<String> call : List.of(List.of("GET", "/v1/version"), List.of("GET", "/v1/instances"), List.of("POST", "/v1/instances/edge1/stop"),
                List.of("GET", "/v1/console/users"), List.of("POST", "/v1/console/tokens"), List.of("GET", "/v1/no/such/route"),
                List.of("DELETE", "/v1/instances/edge1"))) {
            assertThat(client.call(call.get(0), call.get(1), call.get(0).equals("GET") ? null : "{}").statusCode())
                    .as(String.join(" ", call)).isEqualTo(401);
        }
        assertThat(client.call("GET", "/v1/instances", null, "Cookie", ConsoleGate.COOKIE + "=made-up").statusCode()).isEqualTo(401);
        assertThat(client.withToken("eflow_made.up", "GET", "/v1/instances", null).statusCode()).isEqualTo(401);
    }

    @Test
    void aViewerReadsButCannotStopAnInstanceOrReadAConnectionStringOrManageUsers() throws Exception {
        ConsoleUserView viewer = eflowd.console().accounts().add("watcher", ConsoleRole.VIEWER, null);
        Browser browser = client.browser("watcher", viewer.password());

        assertThat(client.asBrowser(browser, "GET", "/v1/instances", null).statusCode()).isEqualTo(200);
        assertThat(client.asBrowser(browser, "POST", "/v1/instances/edge1/stop", "{}").body()).contains("has the viewer role; this needs operator")
                .doesNotContain("edge1' does not exist");
        assertThat(client.asBrowser(browser, "GET", "/v1/instances/edge1/hub/identities/dev1", null).statusCode())
                .as("a connection string").isEqualTo(403);
        assertThat(client.asBrowser(browser, "POST", "/v1/console/users", "{\"name\":\"mallory\",\"role\":\"admin\"}").statusCode()).isEqualTo(403);
        assertThat(client.asBrowser(browser, "POST", "/v1/instances/edge1/invoke", "{}").statusCode()).isEqualTo(403);
        assertThat(eflowd.console().accounts().users()).extracting(ConsoleUserView::name).containsExactly("admin", "watcher");

        Browser admin = client.browser("admin", adminPassword);
        assertThat(client.asBrowser(admin, "POST", "/v1/instances/edge1/copy", "{}").body()).as("host files stay on the host")
                .contains("works on the host only");
        assertThat(client.asBrowser(admin, "POST", "/v1/console/disable", "{}").statusCode()).isEqualTo(403);
        assertThat(client.asBrowser(admin, "POST", "/v1/instances/edge1/shares", "{}").body()).as("a host folder into the guest")
                .contains("works on the host only");
        assertThat(client.asBrowser(admin, "POST", "/v1/instances/edge1/forwards",
                "{\"direction\":\"TO_HOST\",\"host\":\"127.0.0.1:22\",\"guestPort\":2222}").body())
                .as("the host's loopback for the guest").contains("work on the host only");
        assertThat(client.asBrowser(admin, "POST", "/v1/instances/edge1/forwards",
                "{\"direction\":\"INTO_GUEST\",\"host\":\"/var/run/x.sock\",\"guestPort\":22}").body())
                .as("a socket file the daemon would make anywhere").contains("work on the host only");
        assertThat(client.asBrowser(admin, "POST", "/v1/networks", "{\"name\":\"lan\",\"type\":\"bridge\",\"uplink\":\"eth0\"}").body())
                .as("a host interface for guests").contains("on the host only");
        assertThat(client.asBrowser(browser, "GET", "/v1/console/users", null).statusCode()).as("a viewer lists no users").isEqualTo(403);
        assertThat(client.asBrowser(admin, "POST", "/v1/instances/edge1/stop", "{}").statusCode()).as("allowed, and no such instance")
                .isEqualTo(404);
    }

    @Test
    void theTerminalsWebSocketNeedsAnAdminsSessionFromTheConsolesOwnOrigin() throws Exception {
        String terminal = "/v1/instances/edge1/terminal?cols=80&rows=24";
        String origin = "https://127.0.0.1:" + port;
        Browser admin = client.browser("admin", adminPassword);
        ConsoleUserView viewer = eflowd.console().accounts().add("watcher", ConsoleRole.VIEWER, null);
        Browser watcher = client.browser("watcher", viewer.password());

        assertThatThrownBy(() -> client.webSocket(terminal)).as("no session").rootCause().hasMessageContaining("401");
        assertThatThrownBy(() -> client.webSocket(terminal, "Cookie", watcher.cookie(), "Origin", origin)).as("a viewer")
                .rootCause().hasMessageContaining("403");
        assertThatThrownBy(() -> client.webSocket(terminal, "Cookie", admin.cookie(), "Origin", "https://evil.example"))
                .as("another site's page").rootCause().hasMessageContaining("403");
        assertThatThrownBy(() -> client.webSocket(terminal, "Cookie", admin.cookie())).as("no origin").rootCause().hasMessageContaining("403");
        assertThat(Files.readString(paths.log().resolve("console-audit.log"))).contains("refused a WebSocket")
                .contains("from origin https://evil.example");
    }

    @Test
    void aCrossSitePostWithoutTheCsrfTokenIsRefused() throws Exception {
        Browser admin = client.browser("admin", adminPassword);
        String body = "{\"name\":\"mallory\",\"role\":\"admin\"}";

        assertThat(client.call("POST", "/v1/console/users", body, "Cookie", admin.cookie()).statusCode()).isEqualTo(403);
        assertThat(client.call("POST", "/v1/console/users", body, "Cookie", admin.cookie(), ConsoleGate.CSRF_HEADER, "guessed").statusCode())
                .isEqualTo(403);
        assertThat(eflowd.console().accounts().users()).extracting(ConsoleUserView::name).containsExactly("admin");
        assertThat(client.asBrowser(admin, "POST", "/v1/console/users", "{\"name\":\"ops\",\"role\":\"operator\"}").statusCode()).isEqualTo(200);
        assertThat(Files.readString(paths.log().resolve("console-audit.log"))).contains("no or a wrong CSRF token");
    }

    @Test
    void theSessionCookieDiesAtLogoutAndAfterItsIdleTime() throws Exception {
        Browser first = client.browser("admin", adminPassword);
        assertThat(client.asBrowser(first, "GET", "/v1/console/session", null).body()).contains("\"role\":\"admin\"");
        assertThat(client.asBrowser(first, "POST", "/v1/console/logout", "{}").statusCode()).isEqualTo(200);
        assertThat(client.asBrowser(first, "GET", "/v1/instances", null).statusCode()).isEqualTo(401);

        Browser second = client.browser("admin", adminPassword);
        assertThat(client.asBrowser(second, "GET", "/v1/instances", null).statusCode()).isEqualTo(200);
        Thread.sleep(3_500); // the idle time this console was enabled with
        assertThat(client.asBrowser(second, "GET", "/v1/instances", null).statusCode()).isEqualTo(401);
    }

    @Test
    void theSixthWrongPasswordInAMinuteLocksTheAccountAndIsLogged() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertThat(client.login("admin", "wrong password " + i).statusCode()).isEqualTo(401);
        }
        assertThat(client.login("admin", adminPassword).statusCode()).as("five wrong ones do not lock").isEqualTo(200);
        for (int i = 0; i < 6; i++) {
            assertThat(client.login("admin", "wrong password " + i).statusCode()).isEqualTo(401);
        }
        assertThat(client.login("admin", adminPassword).statusCode()).as("locked: even the right password").isEqualTo(429);
        String junk = "x\\n".repeat(20_000);
        assertThat(client.login(junk, "whatever").statusCode()).as("a name no user can have").isEqualTo(401);
        assertThat(Files.readString(paths.log().resolve("console-audit.log")))
                .contains("user admin locked out until").contains("6 wrong passwords within 60 s")
                .doesNotContain(adminPassword).doesNotContain("wrong password 3").doesNotContain("xxxx")
                .contains("wrong password for user (not a user name)");

        // root on the host sets a new password: the owner is back in, whoever keeps locking the account
        ConsoleUserView reset = eflowd.console().accounts().setPassword("admin", null);
        eflowd.console().endSessions("admin");
        assertThat(client.login("admin", reset.password()).statusCode()).isEqualTo(200);
    }

    @Test
    void plainHttpIsRefused() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET /v1/version HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readNBytes(200), StandardCharsets.ISO_8859_1);
            assertThat(answer).doesNotContain("200 OK").doesNotContain("\"version\"");
        } catch (IOException reset) {
            // the TLS side closing on plain text is a refusal too
        }
        assertThat(client.call("GET", "/v1/version", null).statusCode()).as("HTTPS answers").isEqualTo(401);
    }

    @Test
    void guessesSentInParallelAreCountedBeforeTheyAreJudged() throws Exception {
        ExecutorService guessers = Executors.newFixedThreadPool(20);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String guess = "guess-" + i;
                answers.add(guessers.submit(() -> client.login("admin", guess).statusCode()));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> answer : answers) {
                statuses.add(answer.get(60, TimeUnit.SECONDS));
            }
            // at most six passwords were ever checked; the rest were turned away unchecked
            assertThat(statuses).containsOnly(401, 429);
            assertThat(statuses).filteredOn(status -> status == 401).hasSizeLessThanOrEqualTo(LoginGuard.ALLOWED_FAILURES + 1);
        } finally {
            guessers.shutdownNow();
        }
        assertThat(client.login("admin", adminPassword).statusCode()).as("locked").isEqualTo(429);
    }

    @Test
    void liveViewsEndWithTheirSessionOrTokenAndOneUserCannotTakeThemAll() throws Exception {
        storedInstance("edge1");
        String events = "/v1/instances/edge1/events";
        // a session that makes no more requests idles out (3 s here), and its live view goes with it
        HttpResponse<InputStream> idle = client.open(events, "Cookie", client.browser("admin", adminPassword).cookie());
        assertThat(firstEvent(idle)).contains("\"name\":\"edge1\"");
        assertEndsWithin(idle.body(), Duration.ofSeconds(6));

        // the rest with sessions that outlive the test: each stream ends because of what the test does
        eflowd.console().enable(new ConsoleEnable("127.0.0.1:" + port, null, null, "10m", null));
        Browser admin = client.browser("admin", adminPassword);
        eflowd.console().accounts().add("ci", ConsoleRole.VIEWER, "a long password for ci");
        TokenView token = eflowd.console().accounts().createToken("ci", "dashboard", null);

        HttpResponse<InputStream> browserView = client.open(events, "Cookie", admin.cookie());
        HttpResponse<InputStream> scriptView = client.open(events, "Authorization", "Bearer " + token.token());
        assertThat(firstEvent(browserView)).contains("\"name\":\"edge1\"");
        assertThat(firstEvent(scriptView)).contains("\"name\":\"edge1\"");

        // logging out ends the browser's stream at once, not only its next request; the script's goes on
        assertThat(client.asBrowser(admin, "POST", "/v1/console/logout", "{}").statusCode()).isEqualTo(200);
        assertEndsWithin(browserView.body(), Duration.ofSeconds(2));
        // a revoked token's stream ends as well
        Browser other = client.browser("admin", adminPassword);
        assertThat(client.asBrowser(other, "DELETE", "/v1/console/tokens/" + token.id(), null).statusCode()).isEqualTo(200);
        assertEndsWithin(scriptView.body(), Duration.ofSeconds(2));

        // six live views per user: a seventh is refused, while another user still gets one
        Browser ci = client.browser("ci", "a long password for ci");
        List<HttpResponse<InputStream>> views = new ArrayList<>();
        for (int i = 0; i < LiveStreams.PER_USER; i++) {
            views.add(client.open(events, "Cookie", ci.cookie()));
            assertThat(views.get(i).statusCode()).isEqualTo(200);
        }
        HttpResponse<InputStream> seventh = client.open(events, "Cookie", ci.cookie());
        assertThat(seventh.statusCode()).isEqualTo(503);
        assertThat(new String(seventh.body().readAllBytes(), StandardCharsets.UTF_8)).contains("live views open already");
        HttpResponse<InputStream> admins = client.open(events, "Cookie", other.cookie());
        assertThat(admins.statusCode()).isEqualTo(200);
        // removing the user ends all of its views
        eflowd.console().accounts().add("second", ConsoleRole.ADMIN, null);
        assertThat(client.asBrowser(other, "DELETE", "/v1/console/users/ci", null).statusCode()).isEqualTo(200);
        for (HttpResponse<InputStream> view : views) {
            assertEndsWithin(view.body(), Duration.ofSeconds(2));
        }
        admins.body().close();
    }

    @Test
    void remotelyAnUpdateReadsHostFilesOnlyWhereBundlesAreStaged() throws Exception {
        storedInstance("edge1");
        Browser admin = client.browser("admin", adminPassword);
        Path elsewhere = Files.writeString(home.resolve("secret.bundle"), "not for remote eyes");
        for (String source : List.of(elsewhere.toString(), "/etc/shadow", home.resolve("updates/../secret.bundle").toString())) {
            HttpResponse<String> apply = client.asBrowser(admin, "POST", "/v1/instances/edge1/update", "{\"source\":\"" + source + "\"}");
            assertThat(apply.statusCode()).as(source).isEqualTo(403);
            assertThat(apply.body()).contains("must be an https:// URL or a file in " + paths.updates());
            assertThat(client.asBrowser(admin, "GET", "/v1/instances/edge1/update/check?source=" + source, null).statusCode()).isEqualTo(403);
        }
        // a link in the staging folder that leads out of it is followed before the check
        Files.createSymbolicLink(paths.updates().resolve("link.bundle"), elsewhere);
        assertThat(client.asBrowser(admin, "POST", "/v1/instances/edge1/update", "{\"source\":\"" + paths.updates().resolve("link.bundle")
                + "\"}").statusCode()).isEqualTo(403);
        // a CA is a file, never a URL; a URL spelled otherwise than the updater reads one is a path, and refused
        HttpResponse<String> withCa = client.asBrowser(admin, "POST", "/v1/instances/edge1/update",
                "{\"source\":\"https://updates.example/eflow-9.9.9.bundle\",\"ca\":\"https://updates.example/ca.pem\"}");
        assertThat(withCa.statusCode()).isEqualTo(403);
        assertThat(withCa.body()).contains("the CA certificate must be a file in " + paths.updates());
        assertThat(client.asBrowser(admin, "POST", "/v1/instances/edge1/update", "{\"source\":\"HTTPS://x/../../etc/shadow\"}")
                .statusCode()).isEqualTo(403);
        // nor a guest image folder of the host's
        assertThat(client.asBrowser(admin, "POST", "/v1/instances", "{\"name\":\"edge2\",\"image\":\"/tmp\"}").body())
                .contains("works on the host only");
        // a staged file passes the door, and is then read as a bundle (this one is not)
        Path staged = Files.writeString(paths.updates().resolve("eflow-9.9.9.bundle"), "junk");
        HttpResponse<String> apply = client.asBrowser(admin, "POST", "/v1/instances/edge1/update", "{\"source\":\"" + staged + "\"}");
        assertThat(apply.body()).doesNotContain("must be an https:// URL");
    }

    /** An instance as the daemon finds it on disk, stopped: enough for its live view. */
    private void storedInstance(String name) throws IOException {
        InstanceLayout layout = InstanceLayout.of(paths, name);
        Files.createDirectories(layout.state());
        Files.write(layout.configFile(), Json.write(new InstanceConfig(name, 1, 1024, 2, LogSize.SMALL, BackendKind.NAMESPACE,
                new NetworkConfig("172.30.0.2", 24, "172.30.0.1", "02:00:00:00:00:01", false), "1", Slot.A, Instant.EPOCH)));
    }

    private static String firstEvent(HttpResponse<InputStream> view) throws IOException {
        assertThat(view.statusCode()).isEqualTo(200);
        BufferedReader lines = new BufferedReader(new InputStreamReader(view.body(), StandardCharsets.UTF_8));
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            if (line.startsWith("data: ")) {
                return line;
            }
        }
        throw new AssertionError("the stream ended without an event");
    }

    /** The stream reaches its end (the server closed it) within {@code limit}; the instance sends an event every 3 s. */
    private static void assertEndsWithin(InputStream body, Duration limit) throws Exception {
        ExecutorService reader = Executors.newSingleThreadExecutor();
        try {
            Future<Long> drained = reader.submit(() -> body.transferTo(OutputStream.nullOutputStream()));
            drained.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("the stream was still open after " + limit.toMillis() + " ms");
        } catch (ExecutionException e) {
            // a reset connection ends it too
        } finally {
            body.close();
            reader.shutdownNow();
        }
    }

    @Test
    void itListensOnAnIpv6AddressWithACertificateForIt() throws Exception {
        ConsoleStatus status = eflowd.console().enable(new ConsoleEnable("[::1]:" + port, null, null, null, null));
        assertThat(status.url()).isEqualTo("https://[::1]:" + port + "/");
        ConsoleClient ipv6 = new ConsoleClient(URI.create(status.url()), Path.of(status.caFile()));
        // the client checks the certificate against the literal address: it names ::1
        Browser admin = ipv6.browser("admin", adminPassword);
        assertThat(ipv6.asBrowser(admin, "GET", "/v1/instances", null).statusCode()).isEqualTo(200);
        for (String wrong : List.of("[::1]", "[zz::1]:9443", "::1:9443x", "[::1]:99999")) {
            assertThatThrownBy(() -> eflowd.console().enable(new ConsoleEnable(wrong, null, null, null, null))).as(wrong)
                    .hasMessageContaining("listen");
        }
        assertThat(ipv6.asBrowser(admin, "GET", "/v1/instances", null).statusCode()).as("a refused change leaves it serving").isEqualTo(200);
    }

    @Test
    void aRevokedTokenStopsWorkingAtOnce() throws Exception {
        eflowd.console().accounts().add("ci", ConsoleRole.OPERATOR, "a long password for ci");
        TokenView token = eflowd.console().accounts().createToken("ci", "pipeline", "1h");
        assertThat(token.token()).startsWith("eflow_");
        assertThat(client.withToken(token.token(), "GET", "/v1/instances", null).statusCode()).isEqualTo(200);
        assertThat(client.withToken(token.token(), "POST", "/v1/instances/edge1/start", "{}").statusCode())
                .as("an operator's token may start; no CSRF token needed, no cookie sent").isEqualTo(404);

        Browser ci = client.browser("ci", "a long password for ci");
        assertThat(client.asBrowser(ci, "DELETE", "/v1/console/tokens/pipeline", null).statusCode()).isEqualTo(200);
        assertThat(client.withToken(token.token(), "GET", "/v1/instances", null).statusCode()).isEqualTo(401);
        assertThat(eflowd.console().accounts().tokens(null)).isEmpty();
        assertThat(Files.readString(home.resolve("console/accounts.json"))).as("only hashes are stored")
                .doesNotContain(token.token().substring(token.token().indexOf('.') + 1)).doesNotContain("a long password for ci");
        assertThatThrownBy(() -> eflowd.console().accounts().createToken("ci", "x", "soon")).hasMessageContaining("expires");
    }
}
