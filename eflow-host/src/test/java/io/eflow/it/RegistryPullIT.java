package io.eflow.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import io.eflow.edge.image.FaultyProxy;
import io.eflow.edge.image.TestRegistry;
import io.eflow.forward.Forward;
import io.eflow.forward.Forwards;
import io.eflow.modules.AgentClient;
import io.eflow.platform.Exec;
import io.eflow.platform.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Modules pulled by the guest from real registries: Debian's docker-registry on the host's loopback, images pushed
 * into it by the test with Jib, reached by the guest through reverse forwards over its management connection
 * (guest {@code localhost:500x} leads to the host). Then what a bad registry does: a 401, a layer that does not
 * match its digest, a connection cut in the middle of a layer — each a clear error, a retry, and nothing corrupt
 * stored. Last, a deployment manifest as the IoT Edge documentation shows it is accepted.
 */
@BothBackends
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RegistryPullIT extends SharedGuestTest {
    static final int OPEN = 5000;
    static final int SECURED = 5001;
    static final int CORRUPTING = 5002;
    static final int CUTTING = 5003;
    static final int SLOW_PORT = 5004;
    static final String USER = "edge";
    static final String PASSWORD = "s3cret-pull";
    static final String TICKER = EdgeAgentIT.TICKER;
    private static final Duration SLOW = Duration.ofSeconds(180);

    static Path work;
    static TestRegistry open;
    static TestRegistry secured;
    static FaultyProxy corrupting;
    static FaultyProxy cutting;
    static FaultyProxy slow;
    /** The digest of the layer only the second image has, which the faulty proxies spoil. */
    static String extraLayer;
    Forwards forwards;

    @BeforeAll
    static void registries(TestHost host) throws Exception {
        work = host.workDir("registry");
        open = TestRegistry.start(Files.createDirectories(work.resolve("open")));
        secured = TestRegistry.start(Files.createDirectories(work.resolve("secured")), USER, PASSWORD);
        host.recordHelpers();
        Files.writeString(work.resolve("extra.txt"), "a layer of its own: " + System.nanoTime());
        Files.writeString(work.resolve("login.txt"), "another layer of its own: " + System.nanoTime());
        corrupting = new FaultyProxy(open, FaultyProxy.Fault.CORRUPT);
        cutting = new FaultyProxy(open, FaultyProxy.Fault.TRUNCATE);
        slow = new FaultyProxy(open, FaultyProxy.Fault.SLOW);
        // three incompressible MiB in a layer of their own, which only the slow proxy serves (in about three seconds)
        byte[] noise = new byte[3 << 20];
        new Random().nextBytes(noise);
        Files.write(work.resolve("noise.bin"), noise);
        push(open.address() + "/eflow-test/busybox:slow", work.resolve("noise.bin"), null, work);
        push(open.address() + "/eflow-test/busybox:reg", null, null, work);
        push(secured.address() + "/eflow-test/busybox:reg", null, PASSWORD, work);
        push(secured.address() + "/eflow-test/login:1", work.resolve("login.txt"), PASSWORD, work);
        push(open.address() + "/eflow-test/busybox:extra", work.resolve("extra.txt"), null, work);
        JsonNode manifest = Json.MAPPER.readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://" + open.address() + "/v2/eflow-test/busybox/manifests/extra"))
                .header("Accept", "application/vnd.oci.image.manifest.v1+json").build(), HttpResponse.BodyHandlers.ofString()).body());
        JsonNode layers = manifest.path("layers");
        extraLayer = layers.get(layers.size() - 1).path("digest").asText();
    }

    /** Busybox from the host (plus, for a second image, a file in a layer of its own), pushed with Jib; its caches in {@code work}. */
    static void push(String reference, Path extraFile, String password, Path work) throws Exception {
        FileEntriesLayer busybox = FileEntriesLayer.builder().addEntry(Path.of("/bin/busybox"), AbsoluteUnixPath.get("/bin/busybox"),
                FilePermissions.fromOctalString("755")).build();
        var builder = Jib.fromScratch().addFileEntriesLayer(busybox).setFormat(ImageFormat.OCI);
        if (extraFile != null) {
            builder.addFileEntriesLayer(FileEntriesLayer.builder().addEntry(extraFile, AbsoluteUnixPath.get("/extra.txt")).build());
        }
        RegistryImage target = RegistryImage.named(reference);
        if (password != null) {
            // the test registry is plain HTTP on loopback; Jib sends a password over HTTP only when told to
            System.setProperty("sendCredentialsOverHttp", "true");
            target.addCredential(USER, password);
        }
        builder.containerize(Containerizer.to(target).setAllowInsecureRegistries(true)
                .setBaseImageLayersCache(work.resolve("cache/base")).setApplicationLayersCache(work.resolve("cache/app")));
    }

    /** No module left pulling, and no forward left to a registry about to stop, whatever step failed. */
    @AfterParameterizedClassInvocation
    static void putTheGuestBack(String backend, TestHost host) {
        putBack(host, backend, f -> f.direction() == Forward.Direction.TO_HOST
                && Set.of(OPEN, SECURED, CORRUPTING, CUTTING, SLOW_PORT).contains(f.guestPort()));
    }

    @AfterAll
    static void stopRegistries() throws Exception {
        slow.close();
        cutting.close();
        corrupting.close();
        secured.close();
        open.close();
    }

    @BeforeEach
    void reverseForwards() {
        forwards = new Forwards(host.manager());
        List<Forward> present = forwards.list(guest);
        Map<Integer, String> wanted = Map.of(OPEN, open.address(), SECURED, secured.address(),
                CORRUPTING, corrupting.address(), CUTTING, cutting.address(), SLOW_PORT, slow.address());
        wanted.forEach((port, address) -> {
            Forward forward = new Forward(Forward.Direction.TO_HOST, address, port);
            if (!present.contains(forward)) {
                forwards.add(guest, forward);
            }
        });
    }

    AgentClient edge() {
        return new AgentClient(host.manager());
    }

    JsonNode module(String name) {
        return Json.MAPPER.<JsonNode>valueToTree(edge().modules(guest)).path(name);
    }

    static String pulled(String image, String message) {
        String createOptions = "{\\\"Cmd\\\":[\\\"/bin/busybox\\\",\\\"sh\\\",\\\"-c\\\",\\\"" + TICKER + "\\\"]}";
        return """
                {"version": "1.0", "type": "docker", "status": "running", "restartPolicy": "always",
                 "imagePullPolicy": "on-create", "env": {"MESSAGE": {"value": "%s"}},
                 "settings": {"image": "%s", "createOptions": "%s"}}""".formatted(message, image, createOptions);
    }

    void apply(Map<String, String> modules, String password) {
        edge().apply(guest, manifest(modules, password).getBytes(StandardCharsets.UTF_8));
    }

    /** The modules with a login to the password-protected registry. */
    static String manifest(Map<String, String> modules, String password) {
        return EdgeAgentIT.manifest(modules).replace("\"minDockerVersion\": \"v1.25\"",
                "\"minDockerVersion\": \"v1.25\", \"registryCredentials\": {\"local\": {\"address\": \"localhost:" + SECURED
                        + "\", \"username\": \"" + USER + "\", \"password\": \"" + password + "\"}}");
    }

    @Test
    @Order(1)
    void modulesArePulledFromOpenAndPasswordProtectedRegistries() {
        Map<String, String> modules = new LinkedHashMap<>();
        modules.put("fromopen", pulled("localhost:" + OPEN + "/eflow-test/busybox:reg", "open"));
        modules.put("fromsecured", pulled("localhost:" + SECURED + "/eflow-test/busybox:reg", "secured"));
        apply(modules, PASSWORD);
        await().atMost(SLOW).untilAsserted(() -> {
            assertThat(module("fromopen").path("runtimeStatus").asText()).isEqualTo("running");
            assertThat(module("fromsecured").path("runtimeStatus").asText()).isEqualTo("running");
        });
        assertThat(module("fromopen").path("statusDescription").asText()).isEqualTo("running");
        assertThat(module("fromsecured").path("imageHash").asText()).startsWith("sha256:");
    }

    @Test
    @Order(2)
    void aRefusedLoginIsAClearErrorRetriedUntilTheCredentialsAreRight() throws Exception {
        // an image not stored yet: for one already stored, a failed pull falls back to the stored copy
        Map<String, String> modules = Map.of("login", pulled("localhost:" + SECURED + "/eflow-test/login:1", "login"));
        apply(modules, "wrong-password");
        await().atMost(SLOW).untilAsserted(() -> {
            JsonNode login = module("login");
            assertThat(login.path("runtimeStatus").asText()).isEqualTo("backoff");
            assertThat(login.path("statusDescription").asText()).contains("localhost:" + SECURED).contains("401")
                    .contains("retrying in");
        });
        // the right password in a new deployment: the agent tries again at once, and a wait for it does not stop at
        // the old deployment's 401
        Path fixed = Files.writeString(work.resolve("login.json"), manifest(modules, PASSWORD));
        Exec.Result waited = UpdateIT.onTerminal(host, "deployment", "apply", "--wait", "--name", guest, fixed.toString());
        assertThat(waited.exitCode()).as(waited.stdout()).isZero();
        assertThat(waited.stdout()).doesNotContain("backoff").contains("login: running");
        assertThat(module("login").path("runtimeStatus").asText()).isEqualTo("running");
    }

    @Test
    @Order(3)
    void aSpoiledOrCutLayerIsRefusedAndNotStoredAndAGoodRegistryThenServesIt() {
        Map<String, String> modules = Map.of("spoiled", pulled("localhost:" + CORRUPTING + "/eflow-test/busybox:extra", "x"));
        apply(modules, PASSWORD);
        awaitImageError("spoiled", "does not match its digest");
        assertNothingPartialStored();

        modules = Map.of("spoiled", pulled("localhost:" + CUTTING + "/eflow-test/busybox:extra", "x"));
        apply(modules, PASSWORD);
        awaitImageError("spoiled", "broke off");
        assertNothingPartialStored();

        modules = Map.of("spoiled", pulled("localhost:" + OPEN + "/eflow-test/busybox:extra", "x"));
        apply(modules, PASSWORD);
        await().atMost(SLOW).untilAsserted(() -> assertThat(module("spoiled").path("runtimeStatus").asText()).isEqualTo("running"));
        assertThat(run("sudo", "ls", "/var/lib/eflow/images/blobs/sha256")).contains(hex(extraLayer));
    }

    @Test
    @Order(4)
    void theCliWaitsForTheDeploymentAndShowsThePullOnATerminal() throws Exception {
        Path manifest = work.resolve("slow.json");
        Files.writeString(manifest, EdgeAgentIT.manifest(Map.of("slow", pulled("localhost:" + SLOW_PORT + "/eflow-test/busybox:slow", "slow"))));

        Exec.Result waited = UpdateIT.onTerminal(host, "deployment", "apply", "--wait", "--name", guest, manifest.toString());

        assertThat(waited.exitCode()).as(waited.stdout()).isZero();
        assertThat(waited.stdout()).contains("slow: stopped, pulling localhost:" + SLOW_PORT + "/eflow-test/busybox:slow\r\n")
                .contains("\r\033[K[").contains("slow: running, running").contains("Applied deployment to " + guest);
        assertThat(module("slow").path("runtimeStatus").asText()).isEqualTo("running");

        // a module that cannot start ends the wait with its reason, and a failing exit code
        Files.writeString(manifest, EdgeAgentIT.manifest(Map.of("slow", pulled("localhost:" + SLOW_PORT + "/eflow-test/none:1", "x"))));
        Exec.Result refused = UpdateIT.onTerminal(host, "deployment", "apply", "--wait", "--name", guest, manifest.toString());
        assertThat(refused.exitCode()).as(refused.stdout()).isEqualTo(1);
        assertThat(refused.stdout()).contains("slow: backoff, image: image localhost:" + SLOW_PORT + "/eflow-test/none:1 not found");
    }

    private void awaitImageError(String name, String error) {
        await().atMost(SLOW).untilAsserted(() -> {
            JsonNode module = module(name);
            assertThat(module.path("runtimeStatus").asText()).isEqualTo("backoff");
            assertThat(module.path("statusDescription").asText()).startsWith("image: ").contains(error).contains("retrying in");
        });
    }

    private void assertNothingPartialStored() {
        assertThat(run("sudo", "ls", "/var/lib/eflow/images/blobs/sha256")).doesNotContain(hex(extraLayer));
        // the agent keeps retrying: a download of the next attempt may be under way; between attempts nothing is left
        await().atMost(SLOW).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(run("sudo", "ls", "-A", "/var/lib/eflow/images/tmp")).isEmpty());
        assertThat(run("sudo", "ls", "/var/lib/eflow/images/blobs/sha256")).doesNotContain(hex(extraLayer));
    }

    private static String hex(String digest) {
        return digest.substring("sha256:".length());
    }

    /**
     * The IoT Edge documentation's deployment (Microsoft's sample sensor and filter, fields eflow has no use for
     * included) is accepted as it is: its modules are deployed and, with no way to mcr.microsoft.com here, wait in
     * back-off with the pull's error rather than the manifest being refused.
     */
    @Test
    @Order(4)
    void aManifestFromTheIoTEdgeDocumentationIsAccepted() throws Exception {
        byte[] documented;
        try (InputStream in = getClass().getResourceAsStream("/io/eflow/contract/manifest/quickstart.json")) {
            documented = in.readAllBytes();
        }
        JsonNode applied = Json.MAPPER.valueToTree(edge().apply(guest, documented));
        JsonNode desired = Json.MAPPER.readTree(documented).at("/modulesContent/$edgeAgent/properties.desired/modules");
        assertThat(applied.path("modules").asInt()).isEqualTo(desired.size());
        assertThat(applied.path("warnings")).as("fields eflow does not use are named, not refused").isNotEmpty();
        await().atMost(SLOW).untilAsserted(() -> desired.fieldNames().forEachRemaining(name -> {
            JsonNode module = module(name);
            assertThat(module.path("runtimeStatus").asText()).as(name).isEqualTo("backoff");
            assertThat(module.path("statusDescription").asText()).as(name).startsWith("image: ");
        }));
        assertThat(Json.MAPPER.writeValueAsString(edge().deployment(guest))).contains("SimulatedTemperatureSensor");
        // leave the guest with no pulls retrying in the background for the tests after this one
        edge().apply(guest, EdgeAgentIT.manifest(Map.of()).getBytes(StandardCharsets.UTF_8));
    }
}
