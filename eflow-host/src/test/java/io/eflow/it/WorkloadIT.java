package io.eflow.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eflow.channel.CommandResult;
import io.eflow.contract.wire.MethodResult;
import io.eflow.edge.hub.mqtt.PahoClient;
import io.eflow.forward.Forward;
import io.eflow.forward.Forwards;
import io.eflow.modules.AgentClient;
import io.eflow.modules.HubClient;
import io.eflow.modules.RuntimeSocket;
import io.eflow.platform.Json;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A module written as IoT Edge users write one runs on eflow: the official Node SDK's
 * {@code ModuleClient.fromEnvironment(Mqtt)}, with no key of its own, signs its tokens through the workload API on
 * its socket, reaches the hub at IOTEDGE_GATEWAYHOSTNAME over TLS it trusts from the trust bundle, reads its twin
 * (the deployment's desired properties), reports back, answers direct methods and sends on an output. From inside
 * that module the API signs and issues certificates for it alone; another uid in the guest cannot reach its socket;
 * and a new identity retires the tokens of the old generation.
 */
@BothBackends
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkloadIT extends SharedGuestTest {
    static final String MODULE = "nodemod";
    /** Another module, for the requests that name someone else. */
    static final String NEIGHBOUR = "neighbour";
    static final String SOCKET_FOLDER = "/run/eflow/workload/" + MODULE;
    static final String SOCKET = SOCKET_FOLDER + "/workload.sock";
    /** Everything that waits on a module start or a connection: an emulated VM is several times slower. */
    static final Duration SLOW = Duration.ofSeconds(300);
    /** The backends whose shared guest has both images. */
    static final Set<String> LOADED = ConcurrentHashMap.newKeySet();

    String greeting;

    /** The module and its neighbour go, and the TLS forward this class added. */
    @AfterParameterizedClassInvocation
    static void putTheGuestBack(String backend, TestHost host) {
        putBack(host, backend, f -> f.direction() == Forward.Direction.INTO_GUEST && f.guestPort() == 8883);
        LOADED.remove(backend);
    }

    @BeforeEach
    void images() throws Exception {
        greeting = "hello from the deployment on " + backend;
        if (LOADED.add(backend)) {
            assertThat(edge().load(guest, NodeModuleImage.build(host.workDir("node-module")), null).toString())
                    .contains(NodeModuleImage.IMAGE);
            edge().load(guest, EdgeAgentIT.busyboxImage(host), null);
        }
    }

    AgentClient edge() {
        return new AgentClient(host.manager());
    }

    HubClient hub() {
        return new HubClient(new RuntimeSocket(host.manager()));
    }

    /** The node module (with createOptions as given) and a busybox neighbour; the module's desired properties. */
    void deploy(String createOptions) {
        ObjectNode module = Json.MAPPER.createObjectNode().put("version", "1.0").put("type", "docker").put("status", "running")
                .put("restartPolicy", "always").put("imagePullPolicy", "never");
        module.putObject("env").putObject("TICK_MS").put("value", "3000");
        module.putObject("settings").put("image", NodeModuleImage.IMAGE).put("createOptions", createOptions);
        Map<String, String> modules = new LinkedHashMap<>();
        modules.put(MODULE, module.toString());
        modules.put(NEIGHBOUR, EdgeAgentIT.module("trap 'exit 0' TERM; /bin/busybox sleep 100000 & wait", "always", "running", 1, "n"));
        ObjectNode desired = Json.MAPPER.createObjectNode();
        desired.putObject("properties.desired").put("greeting", greeting);
        String manifest = EdgeAgentIT.manifest(modules).replace("\"$edgeHub\": {", "\"" + MODULE + "\": " + desired + ", \"$edgeHub\": {");
        edge().apply(guest, manifest.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    @Order(1)
    void theSdkModuleConnectsReadsItsTwinReportsBackAndAnswers() throws Exception {
        deploy("{}");
        await().atMost(SLOW).ignoreExceptions().untilAsserted(() -> assertThat(logs(MODULE)).contains("open {").contains("twin desired {"));
        String generation = environment(MODULE).get("IOTEDGE_MODULEGENERATIONID");
        String log = logs(MODULE);
        assertThat(log).as("the twin as the deployment wrote it").contains("twin desired {\"greeting\":\"" + greeting + "\"");
        assertThat(log).contains("open {\"generationId\":\"" + generation + "\"}");
        // the hub keeps the module's twin: the reported side is the module's answer
        await().atMost(SLOW).ignoreExceptions().untilAsserted(() -> {
            JsonNode twin = twin(MODULE);
            assertThat(twin.at("/reported/greeting").asText()).as(twin.toString()).isEqualTo(greeting);
            assertThat(twin.at("/reported/generationId").asText()).as(twin.toString()).isEqualTo(generation);
        });

        JsonNode ping = Json.MAPPER.readTree("{\"ping\":\"" + backend + "\",\"n\":[1,2,3]}");
        MethodResult echo = method("echo", ping);
        assertThat(echo.status()).isEqualTo(200);
        assertThat(echo.payload()).isEqualTo(ping);
    }

    /**
     * The SDK's sendOutputEvent reaches the hub as a message of the module on that output (the SDK ends the topic with
     * a '/' after the property bag: {@code …/messages/events/%24.on=ticks/}).
     */
    @Test
    @Order(2)
    void theModulesOutputMessagesReachTheHubOnTheirOutput() throws Exception {
        JsonNode sent = Json.MAPPER.readTree(firstMessage(MODULE, "ticks"));
        assertThat(sent.path("module").asText()).isEqualTo(MODULE);
        assertThat(new String(Base64.getDecoder().decode(sent.path("body").asText()), StandardCharsets.UTF_8)).contains("\"tick\":");
    }

    @Test
    @Order(3)
    void theModuleProcessHasIotEdgesVariablesAndNoKey() {
        Map<String, String> env = environment(MODULE);
        String device = run("hostname");
        assertThat(env).containsEntry("IOTEDGE_WORKLOADURI", "unix:///var/run/iotedge/workload.sock")
                .containsEntry("IOTEDGE_MODULEID", MODULE)
                .containsEntry("IOTEDGE_AUTHSCHEME", "sasToken")
                .containsEntry("IOTEDGE_APIVERSION", "2019-01-30")
                .containsKeys("IOTEDGE_DEVICEID", "IOTEDGE_IOTHUBHOSTNAME", "IOTEDGE_GATEWAYHOSTNAME", "IOTEDGE_MODULEGENERATIONID");
        assertThat(env.get("IOTEDGE_DEVICEID")).isEqualTo(device);
        assertThat(env.get("IOTEDGE_IOTHUBHOSTNAME")).isNotBlank();
        assertThat(env.get("IOTEDGE_MODULEGENERATIONID")).isNotBlank();
        String all = String.join("\n", env.keySet()) + "\n" + String.join("\n", env.values());
        assertThat(env.keySet()).as("no connection string").noneMatch(name -> name.toLowerCase().contains("connectionstring"));
        assertThat(all).as("no key material in " + env.keySet()).doesNotContainIgnoringCase("SharedAccessKey")
                .doesNotContain("PRIVATE KEY").doesNotContainIgnoringCase("SharedAccessSignature");
        // the gateway's name resolves in the module to the guest's loopback, where the hub listens
        assertThat(run("sudo", "cat", "/proc/" + pid(MODULE) + "/root/etc/hosts")).contains(env.get("IOTEDGE_GATEWAYHOSTNAME"));
        // the workload socket is mounted read-only where the URI says
        assertThat(run("sudo", "grep", " /var/run/iotedge ", "/proc/" + pid(MODULE) + "/mountinfo")).contains(" ro");
    }

    @Test
    @Order(4)
    void theWorkloadApiSignsAndCertifiesForTheModuleAloneAndItsCurrentGeneration() throws Exception {
        String generation = environment(MODULE).get("IOTEDGE_MODULEGENERATIONID");
        String neighbourGeneration = environment(NEIGHBOUR).get("IOTEDGE_MODULEGENERATIONID");
        assertThat(neighbourGeneration).isNotBlank().isNotEqualTo(generation);
        ObjectNode sign = Json.MAPPER.createObjectNode().put("keyId", "primary").put("algo", "HMACSHA256")
                .put("data", Base64.getEncoder().encodeToString("hub/devices/d/modules/m\n1999999999".getBytes(StandardCharsets.UTF_8)));

        JsonNode bundle = workload("GET", "/trust-bundle", null);
        assertThat(bundle.path("status").asInt()).as(bundle.toString()).isEqualTo(200);
        assertThat(bundle.at("/body/certificate").asText()).contains("-----BEGIN CERTIFICATE-----");

        JsonNode own = workload("POST", "/modules/" + MODULE + "/genid/" + generation + "/sign", sign);
        assertThat(own.path("status").asInt()).as(own.toString()).isEqualTo(200);
        assertThat(Base64.getDecoder().decode(own.at("/body/digest").asText())).as("an HMAC-SHA256").hasSize(32);

        ObjectNode server = Json.MAPPER.createObjectNode().put("commonName", MODULE)
                .put("expiration", Instant.now().plus(Duration.ofDays(1)).toString());
        JsonNode certificate = workload("POST", "/modules/" + MODULE + "/genid/" + generation + "/certificate/server", server);
        assertThat(certificate.path("status").asInt()).as(certificate.toString()).isEqualTo(201);
        assertThat(certificate.at("/body/privateKey/bytes").asText()).contains("PRIVATE KEY");
        assertThat(certificate.at("/body/certificate").asText()).contains("-----BEGIN CERTIFICATE-----");

        // someone else's name, with that module's real generation: refused
        JsonNode other = workload("POST", "/modules/" + NEIGHBOUR + "/genid/" + neighbourGeneration + "/sign", sign);
        assertThat(other.path("status").asInt()).as(other.toString()).isEqualTo(403);
        assertThat(other.at("/body/message").asText()).isNotBlank();
        assertThat(other.toString()).doesNotContain("digest");
        JsonNode otherIdentity = workload("POST", "/modules/" + NEIGHBOUR + "/genid/" + neighbourGeneration + "/certificate/identity",
                Json.MAPPER.createObjectNode().put("expiration", Instant.now().plus(Duration.ofDays(1)).toString()));
        assertThat(otherIdentity.path("status").asInt()).as(otherIdentity.toString()).isEqualTo(403);
        assertThat(otherIdentity.toString()).doesNotContain("PRIVATE KEY");
        JsonNode otherServer = workload("POST", "/modules/" + NEIGHBOUR + "/genid/" + neighbourGeneration + "/certificate/server", server);
        assertThat(otherServer.path("status").asInt()).as(otherServer.toString()).isEqualTo(403);

        // its own name with a generation that is not its own: refused
        JsonNode stale = workload("POST", "/modules/" + MODULE + "/genid/" + neighbourGeneration + "/sign", sign);
        assertThat(stale.path("status").asInt()).as(stale.toString()).isBetween(400, 499);
        assertThat(stale.toString()).doesNotContain("digest");
        JsonNode made = workload("POST", "/modules/" + MODULE + "/genid/" + generation + "0/sign", sign);
        assertThat(made.path("status").asInt()).as(made.toString()).isBetween(400, 499);
        assertThat(made.at("/body/message").asText()).isNotBlank();
        System.out.printf("WorkloadIT[%s]: refused from inside the module: %s%n", backend,
                List.of(other, otherIdentity, otherServer, stale, made));
    }

    @Test
    @Order(5)
    void anotherUidInTheGuestCannotConnectToTheModulesWorkloadSocket() {
        String pid = pid(MODULE);
        String uid = run("sudo", "awk", "/^Uid:/ {print $2}", "/proc/" + pid + "/status");
        String gid = run("sudo", "awk", "/^Gid:/ {print $2}", "/proc/" + pid + "/status");
        assertThat(uid).as("the module runs as a uid of its own in the guest").isNotEqualTo("0");
        assertThat(run("sudo", "stat", "-c", "%a %u %g %F", SOCKET_FOLDER)).isEqualTo("700 " + uid + " " + gid + " directory");
        assertThat(run("sudo", "stat", "-c", "%a %u %g %F", SOCKET)).isEqualTo("600 " + uid + " " + gid + " socket");

        String request = "printf 'GET /trust-bundle?api-version=2019-01-30 HTTP/1.1\\r\\nHost: workload\\r\\nConnection: close\\r\\n\\r\\n'";
        // the module's own uid reaches the API (so what follows fails for the uid, not the request)
        String owner = run("sudo", "sh", "-c", request + " | setpriv --reuid=" + uid + " --regid=" + gid + " --clear-groups"
                + " socat -t 30 - UNIX-CONNECT:" + SOCKET);
        assertThat(owner).startsWith("HTTP/1.1 200").contains("-----BEGIN CERTIFICATE-----");

        List<String> strangers = new ArrayList<>(List.of(Long.toString(Long.parseLong(uid) + 1), "65534"));
        String neighbour = run("sudo", "awk", "/^Uid:/ {print $2}", "/proc/" + pid(NEIGHBOUR) + "/status");
        if (!neighbour.equals(uid) && !neighbour.equals("0")) {
            strangers.add(neighbour); // another module's uid
        }
        for (String stranger : strangers) {
            CommandResult attempt = invoke("sudo", "sh", "-c", request + " | setpriv --reuid=" + stranger + " --regid=" + stranger
                    + " --clear-groups socat -t 30 - UNIX-CONNECT:" + SOCKET);
            String said = attempt.stdoutText() + new String(attempt.stderr(), StandardCharsets.UTF_8);
            assertThat(attempt.exitCode()).as("uid " + stranger + ": " + said).isNotZero();
            assertThat(said).as("uid " + stranger).contains("Permission denied").doesNotContain("BEGIN CERTIFICATE");
        }
    }

    @Test
    @Order(6)
    void aNewIdentityRetiresTheOldGenerationsTokensAndTheModuleGoesOnWithTheNew() throws Exception {
        int port = tlsPort();
        JsonNode before = method("token", null).payload();
        String oldGeneration = before.path("generationId").asText();
        assertThat(oldGeneration).isEqualTo(environment(MODULE).get("IOTEDGE_MODULEGENERATIONID"));
        assertThat(before.path("token").asText()).startsWith("SharedAccessSignature sr=");
        // the token works before the restart: what fails afterwards fails for its generation
        signIn(port, before, before.path("token").asText());

        edge().restart(guest, MODULE, true); // eflow module restart nodemod --new-identity

        String[] generation = {null};
        await().atMost(SLOW).ignoreExceptions().untilAsserted(() -> {
            generation[0] = environment(MODULE).get("IOTEDGE_MODULEGENERATIONID");
            assertThat(generation[0]).isNotBlank().isNotEqualTo(oldGeneration);
            assertThat(logs(MODULE)).contains("open {\"generationId\":\"" + generation[0] + "\"}");
        });
        await().atMost(SLOW).ignoreExceptions().untilAsserted(() -> assertThat(twin(MODULE).at("/reported/generationId").asText()).isEqualTo(generation[0]));
        JsonNode after = method("token", null).payload();
        assertThat(after.path("generationId").asText()).isEqualTo(generation[0]);
        assertThat(after.path("token").asText()).isNotEqualTo(before.path("token").asText());

        assertThatThrownBy(() -> signIn(port, before, before.path("token").asText()))
                .as("the old generation's token").isInstanceOfSatisfying(MqttException.class, e -> assertThat(e.getReasonCode())
                        .isIn((int) MqttException.REASON_CODE_FAILED_AUTHENTICATION, (int) MqttException.REASON_CODE_NOT_AUTHORIZED));
        signIn(port, after, after.path("token").asText());
        System.out.printf("WorkloadIT[%s]: generation %s retired for %s%n", backend, oldGeneration, generation[0]);

        // nor does the workload API sign for the old generation any more
        ObjectNode sign = Json.MAPPER.createObjectNode().put("keyId", "primary").put("algo", "HMACSHA256")
                .put("data", Base64.getEncoder().encodeToString("x".getBytes(StandardCharsets.UTF_8)));
        JsonNode stale = workload("POST", "/modules/" + MODULE + "/genid/" + oldGeneration + "/sign", sign);
        assertThat(stale.path("status").asInt()).as(stale.toString()).isBetween(400, 499);
        // and the module, put off its connection by the checks that signed in as it, is back
        assertThat(method("echo", Json.MAPPER.valueToTree("again")).payload().asText()).isEqualTo("again");
    }

    @Test
    @Order(7)
    void aLabelGivesTheModuleAConnectionStringForCompatibility() {
        deploy("{\"Labels\":{\"eflow.edgeHubConnectionString\":\"true\"}}");
        await().atMost(SLOW).ignoreExceptions().untilAsserted(() -> {
            assertThat(environment(MODULE)).containsKey("EdgeHubConnectionString");
            assertThat(logs(MODULE)).contains("\"connectionString\":true").contains("open {");
        });
        assertThat(environment(MODULE).get("EdgeHubConnectionString")).contains("SharedAccessKey=").contains("ModuleId=" + MODULE);
        assertThat(method("echo", Json.MAPPER.valueToTree("compatible")).payload().asText()).isEqualTo("compatible");
    }

    // ---- helpers

    /** The module's stdout and stderr since its latest start: the text of each log line (JSON: time, stream, text). */
    String logs(String module) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        edge().logs(guest, module, null, null, false, out);
        StringBuilder text = new StringBuilder();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                text.append(Json.MAPPER.readTree(line).path("text").asText()).append('\n');
            }
        }
        String all = text.toString();
        int start = all.lastIndexOf("environment {");
        return start < 0 ? all : all.substring(start);
    }

    /** The guest pid of a module's first process, from crun's state, once it runs. */
    String pid(String module) {
        String[] pid = {""};
        await().atMost(SLOW).until(() -> {
            pid[0] = run("sudo", "sh", "-c", "cat /run/eflow/crun/" + module + "/status 2>/dev/null | tr ',' '\\n' | grep '\"pid\"' | tr -dc 0-9");
            return !pid[0].isEmpty() && invoke("sudo", "test", "-e", "/proc/" + pid[0] + "/environ").exitCode() == 0;
        });
        return pid[0];
    }

    /** The environment of a module's first process, as the kernel keeps it. */
    Map<String, String> environment(String module) {
        String text = run("sudo", "sh", "-c", "tr '\\0' '\\n' < /proc/" + pid(module) + "/environ");
        Map<String, String> env = new LinkedHashMap<>();
        text.lines().filter(line -> line.contains("=")).forEach(line -> env.put(line.substring(0, line.indexOf('=')),
                line.substring(line.indexOf('=') + 1)));
        return env;
    }

    /** The hub's twin of a module: {"desired": {…}, "reported": {…}}. */
    JsonNode twin(String module) throws IOException {
        return Json.MAPPER.readTree(run("sudo", "sh", "-c", "cat /var/lib/eflow/hub/twins/*%2F" + module + ".json"));
    }

    /** A direct method of the node module, once it listens (until then the hub has no one to call). */
    MethodResult method(String name, JsonNode payload) {
        MethodResult[] answer = {null};
        await().atMost(SLOW).ignoreExceptions().until(() -> {
            answer[0] = hub().invoke(guest, MODULE, name, payload, 60);
            return true;
        });
        assertThat(answer[0].status()).as(name + " answered " + answer[0].payload()).isEqualTo(200);
        return answer[0];
    }

    /** A request on the module's workload socket, made by the module: {status, body}. */
    JsonNode workload(String method, String path, JsonNode body) {
        ObjectNode request = Json.MAPPER.createObjectNode().put("method", method).put("path", path);
        if (body != null) {
            request.set("body", body);
        }
        return method("workload", request).payload();
    }

    /**
     * The first message a module sends on an output, as the hub passes it to a subscriber of the module's messages (a
     * JSON line).
     */
    String firstMessage(String module, String output) throws InterruptedException {
        ByteArrayOutputStream watched = new ByteArrayOutputStream();
        String wanted = "\"output\":\"" + output + "\"";
        AtomicBoolean leaving = new AtomicBoolean();
        OutputStream untilOne = new OutputStream() {
            @Override
            public void write(int b) {
                watched.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                watched.write(b, off, len);
                if (leaving.get() || message(watched, wanted).isPresent()) {
                    throw new IOException("the watcher leaves");
                }
            }
        };
        Thread subscriber = new Thread(() -> {
            try {
                hub().subscribe(guest, module, null, untilOne);
            } catch (RuntimeException e) {
                // ends when the watcher leaves
            }
        });
        subscriber.start();
        try {
            // ticks every 3 s: two minutes is plenty even for an emulated VM
            await().atMost(Duration.ofSeconds(120)).until(() -> message(watched, wanted).isPresent());
        } catch (RuntimeException e) {
            String metrics = hub().metrics(guest).lines().filter(line -> line.contains(module)).reduce("", (a, b) -> a + "\n" + b);
            throw new AssertionError("no message of " + module + " on " + output + "; the subscription passed on: "
                    + watched.toString(StandardCharsets.UTF_8).lines().filter(line -> !line.isBlank()).limit(3).toList()
                    + "; the hub's metrics of " + module + ":" + metrics, e);
        } finally {
            // the follow ends at its next write: a message, or the blank line it keeps itself alive with
            leaving.set(true);
            subscriber.join(Duration.ofSeconds(60).toMillis());
        }
        return message(watched, wanted).orElseThrow();
    }

    /** The first whole line with {@code wanted} in it (the stream keeps itself alive with blank lines). */
    private static Optional<String> message(ByteArrayOutputStream watched, String wanted) {
        String text = watched.toString(StandardCharsets.UTF_8);
        int end = text.lastIndexOf('\n');
        return end < 0 ? Optional.empty() : text.substring(0, end).lines().filter(line -> line.contains(wanted)).findFirst();
    }

    /** The host port of a forward of the hub's TLS port (HubIT's, or one of this class's own). */
    int tlsPort() throws IOException {
        Forwards forwards = new Forwards(host.manager());
        Optional<Forward> tls = forwards.list(guest).stream()
                .filter(f -> f.direction() == Forward.Direction.INTO_GUEST && f.guestPort() == 8883).findFirst();
        if (tls.isEmpty()) {
            Forward forward = new Forward(Forward.Direction.INTO_GUEST, "127.0.0.1:" + ForwardIT.freePort(), 8883);
            forwards.add(guest, forward);
            tls = Optional.of(forward);
        }
        return Integer.parseInt(tls.get().host().substring("127.0.0.1:".length()));
    }

    /**
     * Signs in to the hub as the module and leaves again: MQTT with a SAS token for a password, as IoT Hub's clients
     * sign in. A refusal is the connect's MqttException.
     */
    void signIn(int port, JsonNode identity, String token) throws Exception {
        String clientId = identity.path("device").asText() + "/" + identity.path("module").asText();
        MqttAsyncClient client = new MqttAsyncClient("ssl://127.0.0.1:" + port, clientId, new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setUserName(identity.path("hub").asText() + "/" + clientId + "/?api-version=2018-06-30");
        options.setPassword(token.toCharArray());
        options.setSocketFactory(PahoClient.trusting(hub().ca(guest)));
        // reached through a forward on 127.0.0.1: the name the certificate is for is the module's to check, and it did
        options.setHttpsHostnameVerificationEnabled(false);
        options.setConnectionTimeout(60);
        try {
            client.connect(options).waitForCompletion(90_000);
            client.disconnect().waitForCompletion(30_000);
        } finally {
            client.close(true);
        }
    }
}
