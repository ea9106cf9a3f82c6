package io.eflow.cli;

import io.eflow.contract.wire.HubStatus;
import io.eflow.contract.wire.ModuleMessage;
import io.eflow.contract.wire.UpstreamState;
import io.eflow.daemon.api.HubPublish;
import io.eflow.platform.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.ParseResult;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

/** eflow hub and module invoke: arguments into requests, answers into text. No root, no daemon. */
class HubCommandTest {
    @TempDir
    Path home;
    @TempDir
    Path cwd;

    @SuppressWarnings("unchecked")
    private <T> T parse(String... args) {
        ParseResult result = EflowCli.commandLine(CliRun.context(home, cwd), args).parseArgs(args);
        while (result.subcommand() != null) {
            result = result.subcommand();
        }
        return (T) result.commandSpec().userObject();
    }

    private HubPublish publishRequest(String... args) {
        String[] line = new String[args.length + 2];
        line[0] = "hub";
        line[1] = "publish";
        System.arraycopy(args, 0, line, 2, args.length);
        HubPublishCommand publish = parse(line);
        return publish.request();
    }

    @Test
    void aTargetIsAModuleAndAnInput() {
        assertThat(HubAddress.target("filter/input1")).isEqualTo(new HubAddress("filter", "input1"));
        assertThat(HubAddress.source("tempSensor")).isEqualTo(new HubAddress("tempSensor", null));
        assertThat(HubAddress.source("tempSensor/temperatureOutput")).isEqualTo(new HubAddress("tempSensor", "temperatureOutput"));
        assertThat(HubAddress.target("filter/input1")).hasToString("filter/input1");
        for (String bad : List.of("filter", "filter/", "/input1", "a/b/c", "fil ter/input1", "", "/")) {
            assertThatThrownBy(() -> HubAddress.target(bad)).as(bad)
                    .hasMessage("TARGET must be MODULE/INPUT, e.g. filter/input1, not '" + bad + "'");
        }
        for (String bad : List.of("tempSensor/", "a/b/c", "/x", "")) {
            assertThatThrownBy(() -> HubAddress.source(bad)).as(bad).hasMessageStartingWith("the source must be MODULE or MODULE/OUTPUT");
        }
    }

    @Test
    void propertiesKeepTheirOrderAndEverythingAfterTheFirstEquals() {
        assertThat(HubPublishCommand.properties(List.of("b=1", "a=x=y", "empty=")))
                .containsExactly(entry("b", "1"), entry("a", "x=y"), entry("empty", ""));
        assertThatThrownBy(() -> HubPublishCommand.properties(List.of("novalue")))
                .hasMessage("--property must be KEY=VALUE, not 'novalue'");
        assertThatThrownBy(() -> HubPublishCommand.properties(List.of("=v"))).hasMessage("--property must be KEY=VALUE, not '=v'");
        assertThatThrownBy(() -> HubPublishCommand.properties(List.of("a=1", "a=2"))).hasMessage("--property a is given twice");
    }

    @Test
    void publishSendsTextAsTextAndFilesAsBytes() throws Exception {
        HubPublish text = publishRequest("filter/input1", "{\"t\":21}", "-p", "alert=1", "--property", "site=b",
                "--content-type", "application/json");
        Files.write(cwd.resolve("m.bin"), new byte[] {1, 2, (byte) 0xff});
        HubPublish file = publishRequest("filter/input1", "--file", "m.bin", "--content-encoding", "gzip");

        assertThat(text.module()).isEqualTo("filter");
        assertThat(text.input()).isEqualTo("input1");
        assertThat(text.text()).isEqualTo("{\"t\":21}");
        assertThat(text.body()).isNull();
        assertThat(text.properties()).containsExactly(entry("alert", "1"), entry("site", "b"));
        assertThat(text.contentType()).isEqualTo("application/json");
        assertThat(file.body()).containsExactly(1, 2, 0xff);
        assertThat(file.text()).isNull();
        assertThat(file.contentEncoding()).isEqualTo("gzip");
        assertThat(file.properties()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"hub publish filter hello", "hub publish filter/input1/x hello", "hub publish filter/input1",
            "hub publish filter/input1 hi --file f", "hub publish filter/input1 hi -p novalue", "hub subscribe a/b/c",
            "hub subscribe --count 0", "hub identity add", "hub upstream set", "hub", "hub identity", "hub upstream",
            "module invoke filter", "module invoke filter reset --payload {nope", "module invoke filter reset --payload",
            "hub status extra"})
    void badInputIsOneLineAndExitTwo(String line) {
        CliRun run = CliRun.run(home, cwd, true, line.split(" "));

        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.err()).startsWith("eflow: ");
        assertThat(run.out()).isEmpty();
        assertThat(home).as("no daemon was started").isEmptyDirectory();
    }

    @Test
    void badTargetSaysWhatATargetIs() {
        CliRun run = CliRun.run(home, cwd, true, "hub", "publish", "filter", "hello");

        assertThat(run.err()).isEqualTo("eflow: TARGET must be MODULE/INPUT, e.g. filter/input1, not 'filter'"
                + " (see 'eflow hub publish --help')" + System.lineSeparator());
    }

    @Test
    void methodPayloadIsAnyOneJsonValue() {
        ModuleCommand.Invoke object = parse("module", "invoke", "filter", "reset", "--payload", "{\"hard\":true}", "--timeout", "5");
        ModuleCommand.Invoke number = parse("module", "invoke", "filter", "reset", "--payload", "42");
        ModuleCommand.Invoke none = parse("module", "invoke", "filter", "reset");

        assertThat(object.payload().path("hard").asBoolean()).isTrue();
        assertThat(object.timeout).isEqualTo(5);
        assertThat(number.payload().asInt()).isEqualTo(42);
        assertThat(none.payload()).isNull();
        assertThat(none.timeout).isNull();
    }

    @Test
    void statusIsASummaryThenTablesOfEndpointsSourcesAndRoutes() throws Exception {
        HubStatus status = Json.MAPPER.readValue("""
                {"clients": 3,
                 "upstream": {"configured": true, "connected": false, "endpoint": "myhub.azure-devices.net:8883",
                              "lastError": "connection refused", "disconnectedSince": "2025-06-07T08:09:10Z"},
                 "received": {"tempSensor/temperatureOutput": 1520, "filter/output1": 1400},
                 "routed": {"sensorToFilter": 1520, "filterToIoTHub": 1400},
                 "unrouted": 0, "refused": 2,
                 "store": {"bytesUsed": 1258291, "maxBytes": 1073741824, "endpoints": {
                     "filter/inputs/input1": {"queueLength": 0, "inFlight": 0, "oldestAgeSeconds": 0, "delivered": 1520,
                                              "expired": 0, "redelivered": 1},
                     "$upstream": {"queueLength": 12, "inFlight": 1, "oldestAgeSeconds": 4.25, "delivered": 1388,
                                   "expired": 0, "redelivered": 3}}}}
                """, HubStatus.class);

        assertThat(HubStatusText.text(status)).isEqualTo("""
                Clients   3
                Upstream  not connected to myhub.azure-devices.net:8883 since 2025-06-07T08:09:10Z: connection refused
                Unrouted  0
                Refused   2
                Store     1.2 MiB of 1.0 GiB

                ENDPOINT              QUEUE  IN FLIGHT  OLDEST  DELIVERED  EXPIRED  REDELIVERED
                filter/inputs/input1  0      0          -       1520       0        1
                $upstream             12     1          4.3 s   1388       0        3

                SOURCE                        RECEIVED
                tempSensor/temperatureOutput  1520
                filter/output1                1400

                ROUTE           ROUTED
                sensorToFilter  1520
                filterToIoTHub  1400
                """);
    }

    @Test
    void aNewHubSaysSoWithoutEmptyTables() throws Exception {
        HubStatus status = Json.MAPPER.readValue("{\"clients\":0,\"upstream\":{\"configured\":false},\"received\":{},\"routed\":{},"
                + "\"unrouted\":0,\"refused\":0,\"store\":{\"bytesUsed\":0,\"maxBytes\":1048576,\"endpoints\":{}}}", HubStatus.class);

        assertThat(HubStatusText.text(status)).isEqualTo("""
                Clients   0
                Upstream  not configured
                Unrouted  0
                Refused   0
                Store     0 B of 1.0 MiB
                """);
        assertThat(HubStatusText.upstream(upstream("{\"configured\":true,\"connected\":true,\"endpoint\":\"b:8883\"}")))
                .isEqualTo("connected to b:8883");
        assertThat(HubStatusText.upstream(upstream("{\"configured\":true,\"connected\":false,\"endpoint\":\"b:8883\","
                + "\"lastError\":null,\"disconnectedSince\":null}"))).isEqualTo("not connected to b:8883");
    }

    @Test
    void aMessageIsOneLineWithItsBodyAsTextWhenItIsText() throws Exception {
        ModuleMessage text = message("{\"time\":\"2025-06-07T08:09:10Z\",\"module\":\"tempSensor\",\"output\":\"temperatureOutput\","
                + "\"properties\":{\"alert\":\"1\"},\"systemProperties\":{},\"body\":\"" + base64("{\"t\":21}\n") + "\"}");
        ModuleMessage binary = message("{\"module\":\"camera\",\"output\":null,\"properties\":{},\"body\":\"/wAB\"}");

        assertThat(HubSubscribeCommand.line(text)).isEqualTo("tempSensor/temperatureOutput  {\"alert\":\"1\"}  {\"t\":21}\\n");
        assertThat(HubSubscribeCommand.line(binary)).isEqualTo("camera  {}  base64:/wAB");
        assertThat(HubSubscribeCommand.body("bell\u0007".getBytes(StandardCharsets.UTF_8))).isEqualTo("base64:" + base64("bell\u0007"));
        assertThat(HubSubscribeCommand.body(new byte[0])).isEmpty();
    }

    @Test
    void upstreamSummaryNeverNeedsTheKey() throws Exception {
        assertThat(HubUpstreamCommand.summary(upstream("{\"configured\":true,\"connected\":true,"
                + "\"endpoint\":\"mqtts://myhub.azure-devices.net:8883\"}")))
                .isEqualTo("mqtts://myhub.azure-devices.net:8883, connected");
        assertThat(HubUpstreamCommand.summary(upstream("{\"configured\":true,\"connected\":false,\"endpoint\":\"mqtt://b:1883\"}")))
                .isEqualTo("mqtt://b:1883, not connected yet");
        assertThat(HubUpstreamCommand.summary(upstream("{\"configured\":false}"))).isEqualTo("not configured");
    }

    private static UpstreamState upstream(String json) throws Exception {
        return Json.MAPPER.readValue(json, UpstreamState.class);
    }

    private static ModuleMessage message(String json) throws Exception {
        return Json.MAPPER.readValue(json, ModuleMessage.class);
    }

    @Test
    void hubCommandsTakeName() {
        HubCommand.Status status = parse("hub", "status", "--name", "edge7", "--json");
        HubSubscribeCommand subscribe = parse("hub", "subscribe", "--name", "edge7");
        HubIdentityCommand.Add add = parse("hub", "identity", "add", "hostApp", "--name", "edge7");

        assertThat(status.name.instance()).isEqualTo("edge7");
        assertThat(status.json.json).isTrue();
        assertThat(subscribe.name.instance()).isEqualTo("edge7");
        assertThat(subscribe.source).isNull();
        assertThat(add.identity.identity).isEqualTo("hostApp");
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
