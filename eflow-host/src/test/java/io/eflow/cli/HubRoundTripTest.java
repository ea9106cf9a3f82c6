package io.eflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.eflow.contract.wire.ProvisioningSpec;
import io.eflow.daemon.ApiOverAgent;
import io.eflow.daemon.api.HubPublish;
import io.eflow.instance.InstanceManager;
import io.eflow.instance.model.BackendKind;
import io.eflow.instance.model.InstanceConfig;
import io.eflow.instance.model.InstanceLayout;
import io.eflow.instance.model.LogSize;
import io.eflow.instance.model.NetworkConfig;
import io.eflow.instance.model.Slot;
import io.eflow.modules.RuntimeSocket;
import io.eflow.modules.ScriptedAgent;
import io.eflow.platform.EflowException;
import io.eflow.platform.EflowPaths;
import io.eflow.platform.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The hub's commands and provisioning end to end on the host: the CLI, its client, the daemon's real routes and error mapping on a
 * UNIX socket, and the agent protocol, with the guest's edge agent answered by a script (the guest half of the hub is
 * tested in the guest and, with real guests, in the integration tests). Needs no root.
 */
class HubRoundTripTest {
    private static final String NL = System.lineSeparator();
    private static final String STATUS = "{\"clients\":1,\"upstream\":{\"configured\":false,\"connected\":false},\"received\":{\"tempSensor/out\":5},"
            + "\"routed\":{\"all\":5},\"unrouted\":0,\"refused\":0,"
            + "\"store\":{\"bytesUsed\":2048,\"maxBytes\":1048576,\"refusedFull\":0,\"endpoints\":{\"filter/inputs/input1\":{\"queueLength\":2,"
            + "\"inFlight\":1,\"oldestAgeSeconds\":1.5,\"delivered\":3,\"expired\":0,\"redelivered\":0,\"unreadable\":0}}}}";
    private static final String CONNECTION_STRING = "HostName=hub.example;DeviceId=edge1;ModuleId=hostApp;SharedAccessKey=a2V5;"
            + "GatewayHostName=edge1";

    @TempDir
    Path home;
    @TempDir
    Path cwd;
    private final ScriptedAgent agent = new ScriptedAgent();
    private InstanceManager manager;
    private ApiOverAgent daemon;
    private DaemonClient client;

    @BeforeEach
    void startDaemon() throws Exception {
        EflowPaths paths = EflowPaths.from(Map.of("EFLOW_HOME", home.toString()));
        manager = new InstanceManager(paths);
        InstanceLayout layout = InstanceLayout.of(paths, "edge1");
        Files.createDirectories(layout.state());
        Files.write(layout.configFile(), Json.write(new InstanceConfig("edge1", 1, 1024, 2, LogSize.SMALL, BackendKind.NAMESPACE,
                new NetworkConfig("172.30.0.2", 24, "172.30.0.1", "02:00:00:00:00:01", false), "1", Slot.A, Instant.EPOCH)));
        Files.createDirectories(paths.daemonSocket().getParent());
        daemon = ApiOverAgent.start(paths.daemonSocket(), manager, new RuntimeSocket(agent, Duration.ofMillis(200)));
        client = new DaemonClient(DaemonHttp.unix(paths.daemonSocket()), null);
    }

    @AfterEach
    void stopDaemon() {
        daemon.close();
        manager.close();
    }

    private CliRun eflow(String... args) {
        return CliRun.run(home, cwd, true, args);
    }

    /** A record's JSON as a wire line of this reply kind. */
    private static String wire(String kind, String json) {
        return "{\"reply\":\"" + kind + "\"," + json.substring(1);
    }

    private static JsonNode json(String text) throws Exception {
        return Json.MAPPER.readTree(text);
    }

    @Test
    void statusAndMetrics() throws Exception {
        agent.answer("hub-status", "{\"reply\":\"hub-status\",\"status\":" + STATUS + ",\"metrics\":\"# TYPE edgehub_messages_received_total counter\\n"
                + "edgehub_messages_received_total{id=\\\"tempSensor\\\"} 5\\n\"}");

        CliRun text = eflow("hub", "status");
        CliRun asJson = eflow("hub", "status", "--json");
        CliRun metrics = eflow("hub", "metrics");

        assertThat(text.exitCode()).as(text.err()).isZero();
        assertThat(text.out()).startsWith("Clients   1" + NL + "Upstream  not configured" + NL)
                .contains("filter/inputs/input1  2      1          1.5 s   3")
                .contains("tempSensor/out  5").contains("all    5");
        assertThat(json(asJson.out())).isEqualTo(json(STATUS));
        assertThat(metrics.out()).isEqualTo("# TYPE edgehub_messages_received_total counter\n"
                + "edgehub_messages_received_total{id=\"tempSensor\"} 5\n");
        assertThat(agent.requests()).allSatisfy(request -> assertThat(request).isEqualTo(json("{\"op\":\"hub-status\"}")));
    }

    @Test
    void publishTextFileAndStdin() throws Exception {
        agent.answer("hub-publish", "{\"reply\":\"done\"}");

        CliRun text = eflow("hub", "publish", "filter/input1", "{\"t\":21}", "-p", "alert=1", "--content-type", "application/json");
        JsonNode sentText = agent.request("hub-publish");
        Files.write(cwd.resolve("frame.bin"), new byte[] {0, (byte) 0xff});
        CliRun file = eflow("hub", "publish", "filter/input1", "--file", "frame.bin");
        JsonNode sentFile = agent.request("hub-publish");
        CliRun stdin = CliRun.run(home, cwd, true, "piped".getBytes(StandardCharsets.UTF_8), "hub", "publish", "filter/input1", "-");

        assertThat(text.exitCode()).as(text.err()).isZero();
        assertThat(text.out()).isEqualTo("Published 8 bytes to filter/input1" + NL);
        assertThat(sentText).isEqualTo(json("{\"op\":\"hub-publish\",\"module\":\"filter\",\"input\":\"input1\",\"body\":\"eyJ0IjoyMX0=\","
                + "\"properties\":{\"alert\":\"1\"},\"contentType\":\"application/json\",\"contentEncoding\":\"utf-8\"}"));
        assertThat(file.out()).isEqualTo("Published 2 bytes to filter/input1" + NL);
        assertThat(sentFile).isEqualTo(json("{\"op\":\"hub-publish\",\"module\":\"filter\",\"input\":\"input1\",\"body\":\"AP8=\","
                + "\"properties\":{}}"));
        assertThat(stdin.exitCode()).as(stdin.err()).isZero();
        assertThat(agent.request("hub-publish").path("body").asText()).isEqualTo("cGlwZWQ=");
    }

    @Test
    void theAgentsRefusalIsOneLineAndExitOne() {
        agent.answer("hub-publish", "{\"reply\":\"error\",\"kind\":\"not-found\",\"message\":\"no module named 'nope' is deployed\"}");

        CliRun run = eflow("hub", "publish", "nope/input1", "x");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("eflow: no module named 'nope' is deployed" + NL);
        assertThat(run.out()).isEmpty();
        assertThatThrownBy(() -> client.hubPublish("edge1", new HubPublish("nope", "input1", null, "x", null, null, null)))
                .isInstanceOfSatisfying(EflowException.class, e -> assertThat(e.status()).isEqualTo(404));
    }

    @Test
    void subscribePrintsMessagesAsTheyComeAndItsEndReachesTheGuest() throws Exception {
        String first = "{\"time\":\"2025-06-07T08:09:10Z\",\"module\":\"tempSensor\",\"output\":\"out\",\"properties\":{\"a\":\"1\"},"
                + "\"systemProperties\":{},\"body\":\"aGk=\"}";
        String second = first.replace("aGk=", "/wA=");
        agent.follow("hub-subscribe", wire("message", first), wire("message", second), wire("message", first));

        CliRun run = eflow("hub", "subscribe", "tempSensor/out", "--count", "2");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("tempSensor/out  {\"a\":\"1\"}  hi" + NL + "tempSensor/out  {\"a\":\"1\"}  base64:/wA=" + NL);
        assertThat(agent.request("hub-subscribe")).isEqualTo(json("{\"op\":\"hub-subscribe\",\"module\":\"tempSensor\",\"output\":\"out\"}"));
        assertThat(agent.hostLeft().await(10, TimeUnit.SECONDS)).as("the subscription ended in the guest").isTrue();
    }

    @Test
    void subscribeJsonPrintsTheLinesAndAnEndedSubscriptionSaysWhy() throws Exception {
        String message = "{\"time\":\"2025-06-07T08:09:10Z\",\"module\":\"filter\",\"output\":null,\"properties\":{},"
                + "\"systemProperties\":{\"contentType\":\"application/json\"},\"body\":\"e30=\"}";
        agent.answer("hub-subscribe", wire("message", message), "{\"reply\":\"error\",\"kind\":\"conflict\",\"message\":\"the edge hub stopped\"}");

        CliRun run = eflow("hub", "subscribe", "--json");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(json(run.out())).isEqualTo(json(message));
        assertThat(run.err()).isEqualTo("eflow: the edge hub stopped" + NL);
        assertThat(agent.request("hub-subscribe")).isEqualTo(json("{\"op\":\"hub-subscribe\"}"));
    }

    @Test
    void identities() throws Exception {
        String identity = "{\"name\":\"hostApp\",\"kind\":\"host\",\"connectionString\":\"" + CONNECTION_STRING + "\"}";
        agent.answer("hub-identity-add", "{\"reply\":\"identity\",\"identity\":" + identity + "}");
        agent.answer("hub-identity-show", "{\"reply\":\"identity\",\"identity\":" + identity + "}");
        agent.answer("hub-identity-list", "{\"reply\":\"identities\",\"identities\":[{\"name\":\"filter\",\"kind\":\"module\","
                + "\"created\":\"2025-06-07T08:09:10Z\"},{\"name\":\"hostApp\",\"kind\":\"host\",\"created\":\"2025-06-07T09:00:00Z\"}]}");
        agent.answer("hub-identity-remove", "{\"reply\":\"done\"}");

        CliRun add = eflow("hub", "identity", "add", "hostApp");
        CliRun show = eflow("hub", "identity", "show", "hostApp", "--json");
        CliRun list = eflow("hub", "identity", "list");
        CliRun remove = eflow("hub", "identity", "remove", "hostApp");

        assertThat(add.out()).isEqualTo(CONNECTION_STRING + NL);
        assertThat(agent.request("hub-identity-add")).isEqualTo(json("{\"op\":\"hub-identity-add\",\"name\":\"hostApp\"}"));
        assertThat(json(show.out())).isEqualTo(json(identity));
        assertThat(agent.request("hub-identity-show")).isEqualTo(json("{\"op\":\"hub-identity-show\",\"name\":\"hostApp\"}"));
        assertThat(list.out()).isEqualTo("NAME     KIND    CREATED" + NL + "filter   module  2025-06-07T08:09:10Z" + NL
                + "hostApp  host    2025-06-07T09:00:00Z" + NL);
        assertThat(remove.out()).isEqualTo("Removed identity hostApp" + NL);
        assertThat(agent.request("hub-identity-remove")).isEqualTo(json("{\"op\":\"hub-identity-remove\",\"name\":\"hostApp\"}"));
    }

    @Test
    void caPrintedOrWritten() throws Exception {
        String pem = "-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n";
        agent.answer("hub-ca", "{\"reply\":\"ca\",\"pem\":\"" + pem + "\"}");

        CliRun printed = eflow("hub", "ca");
        CliRun written = eflow("hub", "ca", "--out", "edge-ca.pem");

        assertThat(printed.out()).isEqualTo("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
        assertThat(written.out()).isEqualTo("Wrote the edge CA certificate to " + cwd.resolve("edge-ca.pem") + NL);
        assertThat(Files.readString(cwd.resolve("edge-ca.pem"))).isEqualTo(printed.out());
    }

    @Test
    void upstreamSetShowAndClear() throws Exception {
        String shown = "{\"configured\":true,\"connected\":true,\"endpoint\":\"mqtts://myhub.azure-devices.net:8883\",\"sent\":4,"
                + "\"reconnects\":0,\"backlog\":0,\"expired\":0}";
        agent.answer("hub-upstream-set", "{\"reply\":\"done\"}");
        agent.answer("hub-upstream-show", "{\"reply\":\"upstream\",\"upstream\":" + shown + "}");
        agent.answer("hub-upstream-clear", "{\"reply\":\"done\"}");
        String value = "HostName=myhub.azure-devices.net;DeviceId=edge1;SharedAccessKey=c2VjcmV0";

        CliRun set = eflow("hub", "upstream", "set", value);
        JsonNode sent = agent.request("hub-upstream-set");
        CliRun fromStdin = CliRun.run(home, cwd, true, ("mqtts://u:p@broker:8883" + "\n").getBytes(StandardCharsets.UTF_8),
                "hub", "upstream", "set", "-", "--device-id", "edge1");
        CliRun show = eflow("hub", "upstream", "show");
        CliRun clear = eflow("hub", "upstream", "clear");

        assertThat(set.out()).isEqualTo("Upstream set: mqtts://myhub.azure-devices.net:8883, connected" + NL);
        assertThat(sent).isEqualTo(json("{\"op\":\"hub-upstream-set\",\"upstream\":\"" + value + "\"}"));
        assertThat(fromStdin.exitCode()).as(fromStdin.err()).isZero();
        assertThat(agent.request("hub-upstream-set"))
                .isEqualTo(json("{\"op\":\"hub-upstream-set\",\"upstream\":\"mqtts://u:p@broker:8883\",\"deviceId\":\"edge1\"}"));
        assertThat(show.out()).isEqualTo("Configured  true" + NL + "Connected   true" + NL
                + "Endpoint    mqtts://myhub.azure-devices.net:8883" + NL + "Sent        4" + NL + "Reconnects  0" + NL
                + "Backlog     0" + NL + "Expired     0" + NL);
        assertThat(clear.out()).isEqualTo("Upstream cleared" + NL);
        assertThat(agent.request("hub-upstream-clear")).isEqualTo(json("{\"op\":\"hub-upstream-clear\"}"));
        assertThat(set.out() + show.out()).doesNotContain("c2VjcmV0");
    }

    @Test
    void provisionShowAndRemove() throws Exception {
        String state = "{\"type\":\"manual-connection-string\",\"hub\":\"myhub.example\",\"device\":\"edge1\",\"state\":\"connected\","
                + "\"since\":\"2026-12-06T07:00:00Z\"}";
        agent.answer("provision", wire("provisioning", "{\"provisioning\":" + state + "}"));
        agent.answer("provision-show", wire("provisioning", "{\"provisioning\":" + state + "}"));
        agent.answer("provision-remove", wire("provisioning", "{\"provisioning\":{\"state\":\"not-provisioned\"}}"));
        String value = "HostName=myhub.example;DeviceId=edge1;SharedAccessKey=c2VjcmV0";
        Files.writeString(cwd.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");

        CliRun provision = eflow("provision", "--type", "manual-connection-string", "--connection-string", value,
                "--trust-bundle", "ca.pem");
        JsonNode sent = agent.request("provision");
        CliRun fromStdin = CliRun.run(home, cwd, true, (value + "\n").getBytes(StandardCharsets.UTF_8),
                "provision", "--type", "manual-connection-string", "--connection-string", "-");
        CliRun show = eflow("provision", "show");
        CliRun remove = eflow("provision", "remove");

        assertThat(provision.exitCode()).as(provision.err()).isZero();
        assertThat(provision.out()).isEqualTo("Provisioned: device edge1 of myhub.example, connected" + NL);
        assertThat(sent).isEqualTo(json("{\"op\":\"provision\",\"spec\":{\"type\":\"manual-connection-string\",\"connectionString\":\""
                + value + "\",\"trustBundle\":\"-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n\"}}"));
        assertThat(fromStdin.exitCode()).as(fromStdin.err()).isZero();
        assertThat(agent.request("provision").path("spec").path("connectionString").asText()).isEqualTo(value);
        assertThat(agent.request("provision").path("spec").has("trustBundle")).isFalse();
        assertThat(show.out()).isEqualTo("Type    manual-connection-string" + NL + "Hub     myhub.example" + NL + "Device  edge1" + NL
                + "State   connected" + NL + "Since   2026-12-06T07:00:00Z" + NL);
        assertThat(remove.out()).isEqualTo("Provisioning removed" + NL);
        assertThat(provision.out() + show.out() + provision.err()).doesNotContain("c2VjcmV0");
    }

    @Test
    void dpsAndX509ProvisioningSendWhatEachTypeTakesAndRefuseWhatItDoesNot() throws Exception {
        String registering = "{\"type\":\"dps-symmetric-key\",\"state\":\"registering\",\"lastError\":\"cannot reach DPS at"
                + " dps.example\",\"since\":\"2026-12-06T07:00:00Z\",\"dps\":{\"endpoint\":\"https://dps.example\",\"scopeId\":"
                + "\"0ne00000001\",\"registrationId\":\"edge1\",\"status\":\"unreachable\",\"error\":\"cannot reach DPS at"
                + " dps.example\",\"nextAttempt\":\"2026-12-06T07:00:04Z\"}}";
        agent.answer("provision", wire("provisioning", "{\"provisioning\":" + registering + "}"));
        agent.answer("provision-show", wire("provisioning", "{\"provisioning\":" + registering + "}"));
        agent.answer("provision-renew", wire("provisioning", "{\"provisioning\":{\"type\":\"manual-x509\",\"hub\":"
                + "\"myhub.example\",\"device\":\"edge1\",\"state\":\"connected\",\"since\":\"2026-12-06T07:00:00Z\"}}"));
        Files.writeString(cwd.resolve("device.pem"), "CERT");
        Files.writeString(cwd.resolve("device.key"), "KEY");

        CliRun dps = CliRun.run(home, cwd, true, "Z3JvdXA=\n".getBytes(StandardCharsets.UTF_8), "provision", "--type",
                "dps-symmetric-key", "--scope-id", "0ne00000001", "--registration-id", "edge1", "--group-key", "-",
                "--global-endpoint", "https://dps.example");
        JsonNode sent = agent.request("provision");
        CliRun show = eflow("provision", "show");
        CliRun renew = eflow("provision", "renew", "--identity-cert", "device.pem", "--identity-key", "device.key");
        CliRun foreign = eflow("provision", "--type", "dps-tpm", "--scope-id", "0ne00000001", "--symmetric-key", "c2VjcmV0");
        CliRun noCert = eflow("provision", "--type", "manual-x509", "--iothub-hostname", "h", "--device-id", "d",
                "--identity-cert", "missing.pem", "--identity-key", "device.key");

        assertThat(dps.exitCode()).as(dps.err()).isZero();
        assertThat(dps.out()).startsWith("Provisioning kept; DPS has not assigned the device yet (cannot reach DPS at dps.example)");
        assertThat(sent).isEqualTo(json("{\"op\":\"provision\",\"spec\":{\"type\":\"dps-symmetric-key\","
                + "\"globalEndpoint\":\"https://dps.example\",\"scopeId\":\"0ne00000001\",\"registrationId\":\"edge1\","
                + "\"groupKey\":\"Z3JvdXA=\"}}"));
        assertThat(show.out()).contains("State       registering" + NL).contains(NL + "DPS" + NL)
                .contains("Status           unreachable" + NL).contains("Next attempt     2026-12-06T07:00:04Z" + NL);
        assertThat(renew.exitCode()).as(renew.err()).isZero();
        assertThat(agent.request("provision-renew")).isEqualTo(json("{\"op\":\"provision-renew\",\"identityCert\":\"CERT\","
                + "\"identityKey\":\"KEY\"}"));
        assertThat(foreign.exitCode()).isEqualTo(2);
        assertThat(foreign.err()).contains("--type dps-tpm does not take --symmetric-key");
        assertThat(noCert.exitCode()).isEqualTo(1);
        assertThat(noCert.err()).isEqualTo("eflow: --identity-cert: no file missing.pem" + NL);
        assertThat(agent.requests().stream().filter(r -> r.path("op").asText().equals("provision")).count()).isEqualTo(1);
    }

    @Test
    void aProvisioningTheHubRefusesIsOneLineAndNothingElseIsSent() throws Exception {
        agent.answer("provision", "{\"reply\":\"error\",\"kind\":\"upstream\",\"message\":\"IoT Hub at myhub.example refused"
                + " to read module '$edgeAgent' of device 'edge1': not authorized; the previous provisioning is kept\"}");
        String value = "HostName=myhub.example;DeviceId=edge1;SharedAccessKey=c2VjcmV0";

        CliRun refused = eflow("provision", "--type", "manual-connection-string", "--connection-string", value);
        CliRun badType = eflow("provision", "--type", "dps-tpm-2", "--connection-string", value);
        CliRun noFile = eflow("provision", "--type", "manual-connection-string", "--connection-string", value,
                "--trust-bundle", "missing.pem");
        CliRun noString = eflow("provision", "--type", "manual-connection-string");

        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).isEqualTo("eflow: IoT Hub at myhub.example refused to read module '$edgeAgent' of device"
                + " 'edge1': not authorized; the previous provisioning is kept" + NL);
        assertThat(badType.exitCode()).isEqualTo(1);
        assertThat(badType.err()).startsWith("eflow: unknown provisioning type 'dps-tpm-2': one of manual-connection-string");
        assertThat(noFile.err()).isEqualTo("eflow: --trust-bundle: no file missing.pem" + NL);
        assertThat(noString.exitCode()).isEqualTo(2);
        assertThat(agent.requests()).hasSize(1);
        assertThatThrownBy(() -> client.provision("edge1", ProvisioningSpec.connectionString(value, null)))
                .isInstanceOfSatisfying(EflowException.class, e -> assertThat(e.status()).isEqualTo(502));
    }

    @Test
    void moduleInvokePrintsThePayloadAndFailsOnAnErrorStatus() throws Exception {
        agent.answer("module-invoke", "{\"reply\":\"method-result\",\"status\":200,\"payload\":{\"reset\":true}}");
        CliRun ok = eflow("module", "invoke", "filter", "reset", "--payload", "{\"hard\":true}", "--timeout", "5");
        JsonNode sent = agent.request("module-invoke");
        agent.answer("module-invoke", "{\"reply\":\"method-result\",\"status\":500,\"payload\":{\"error\":\"busy\"}}");
        CliRun failed = eflow("module", "invoke", "filter", "reset");
        agent.answer("module-invoke", "{\"reply\":\"error\",\"kind\":\"not-found\",\"message\":\"module 'filter' is not connected to the hub\"}");
        CliRun notConnected = eflow("module", "invoke", "filter", "reset");
        CliRun badTimeout = eflow("module", "invoke", "filter", "reset", "--timeout", "0");

        assertThat(ok.exitCode()).as(ok.err()).isZero();
        assertThat(ok.out()).isEqualTo("{" + NL.replace("\r", "") + "  \"reset\" : true" + NL + "}" + NL);
        assertThat(sent).isEqualTo(json("{\"op\":\"module-invoke\",\"module\":\"filter\",\"method\":\"reset\","
                + "\"payload\":{\"hard\":true},\"timeoutSecs\":5}"));
        assertThat(agent.request("module-invoke").path("payload").isNull()).isTrue();
        assertThat(failed.exitCode()).isEqualTo(1);
        assertThat(json(failed.out())).isEqualTo(json("{\"error\":\"busy\"}"));
        assertThat(failed.err()).isEqualTo("eflow: filter answered reset with status 500" + NL);
        assertThat(notConnected.exitCode()).isEqualTo(1);
        assertThat(notConnected.errLines()).containsExactly("eflow: module 'filter' is not connected to the hub");
        assertThat(badTimeout.errLines()).containsExactly("eflow: --timeout must be between 1 and 300 seconds, not 0");
    }

    @Test
    void unknownInstancesAndBadRequestsAreErrorsBeforeTheAgentIsAsked() throws Exception {
        CliRun unknown = eflow("hub", "status", "--name", "nosuch");
        DaemonHttp http = DaemonHttp.unix(EflowPaths.from(Map.of("EFLOW_HOME", home.toString())).daemonSocket());

        assertThat(unknown.errLines()).containsExactly("eflow: no instance named 'nosuch'; 'eflow list' shows the instances");
        try (DaemonHttp.Response response = http.send("GET", "/v1/instances/edge1/hub/subscribe?output=x", null)) {
            assertThat(response.status()).isEqualTo(400);
            assertThat(json(new String(response.bodyBytes(), StandardCharsets.UTF_8)).path("error").asText())
                    .isEqualTo("an output needs its module");
        }
        try (DaemonHttp.Response response = http.send("POST", "/v1/instances/edge1/hub/publish",
                "{\"module\":\"filter\",\"input\":\"input1\"}".getBytes(StandardCharsets.UTF_8))) {
            assertThat(response.status()).isEqualTo(400);
        }
        try (DaemonHttp.Response response = http.send("POST", "/v1/instances/edge1/modules/filter/methods/reset",
                "{not json".getBytes(StandardCharsets.UTF_8))) {
            assertThat(response.status()).isEqualTo(400);
            assertThat(json(new String(response.bodyBytes(), StandardCharsets.UTF_8)).path("error").asText())
                    .startsWith("the method's payload is not JSON: ");
        }
        assertThat(agent.requests()).isEmpty();
    }
}
