package io.eflow.contract.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every request and reply through its wire line and back; the lines' exact form where the other side reads it. */
class WireTest {
    private static final ObjectMapper PLAIN = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private static final Instant T = Instant.parse("2026-01-02T03:04:05.123Z");

    static List<Request<?>> requests() {
        JsonNode manifest = json("{\"modulesContent\":{\"$edgeAgent\":{}}}");
        return List.of(new AgentRequest.Apply(manifest), new AgentRequest.Show(), new AgentRequest.ListModules(),
                new AgentRequest.Restart("filter", true), new AgentRequest.Logs("filter", 10, "5m", true),
                new AgentRequest.Logs("filter", null, null, false), new AgentRequest.Load("/var/tmp/x.tar", "busybox:1"),
                new AgentRequest.Check(), new HubRequest.Status(),
                new HubRequest.Publish("filter", "input1", new byte[] {0, (byte) 0xff}, Map.of("k", "v"), "application/json", "utf-8"),
                new HubRequest.Subscribe("filter", "out"), new HubRequest.Subscribe(null, null),
                new HubRequest.AddIdentity("hostApp"), new HubRequest.ShowIdentity("hostApp"),
                new HubRequest.RemoveIdentity("hostApp"), new HubRequest.ListIdentities(), new HubRequest.Ca(),
                new HubRequest.SetUpstream("mqtt://u:p@b:1883", "edge1"), new HubRequest.ShowUpstream(),
                new HubRequest.ClearUpstream(), new HubRequest.Invoke("filter", "reset", 30, json("{\"hard\":true}")),
                new CloudRequest.Provision(ProvisioningSpec.connectionString("HostName=h;DeviceId=d;SharedAccessKey=k", "PEM")),
                new CloudRequest.Provision(new ProvisioningSpec(ProvisioningType.DPS_X509, null, null, null,
                        "https://dps.example:8443", "0ne00000001", "edge1", null, null, "CERT", "KEY", null)),
                new CloudRequest.RenewIdentity("CERT", "KEY"),
                new CloudRequest.ShowProvisioning(), new CloudRequest.RemoveProvisioning());
    }

    static List<Reply> replies() {
        UpstreamState connected = new UpstreamState(true, true, "mqtt://b:1883", null, null, 5L, 1L, 0L, 0L);
        Map<String, ModuleReport> modules = new LinkedHashMap<>();
        modules.put("filter", new ModuleReport("running", null, null, 2, T, null, T, "1.0", "docker", "running", "always",
                "busybox:1", "sha256:ab", 1));
        modules.put("sensor", new ModuleReport("failed", "exited", 3, 0, T, T, null, "1.0", "docker", "running", "never",
                "busybox:1", null, 0));
        HubStatus status = new HubStatus(2, connected, Map.of("filter/out", 4L), Map.of("r1", 4L), 1, 0,
                new HubStatus.Store(4096, 1 << 20, 0, Map.of("$upstream", new HubStatus.Endpoint(1, 0, 1.5, 3, 0, 0, 0))));
        return List.of(new Reply.Done(), new Reply.End(), Failure.of(Failure.Kind.NOT_FOUND, "no module named 'x'"),
                new Failure(Failure.Kind.MANIFEST, "must be 1.1", "modulesContent.$edgeAgent"),
                new Reply.Applied(2, List.of("modulesContent.x is not used")), new Reply.Deployment(json("{\"a\":[1]}")),
                new Reply.Deployment(null), new Reply.Modules(modules), new Reply.ImagesLoaded(List.of("busybox:1")),
                new Reply.CheckReport(List.of(new Check("clock", "guest clock", "ok", T.toString()))),
                new Reply.HubReport(status, "# TYPE x counter\nx 1\n"),
                new Reply.IdentityReply(new HubIdentity("hostApp", "host", T, "HostName=h;DeviceId=d;ModuleId=hostApp;SharedAccessKey=k")),
                new Reply.IdentityList(List.of(new HubIdentity("filter", "module", T, null))), new Reply.CaCertificate("PEM"),
                new Reply.UpstreamReply(UpstreamState.notConfigured()),
                new Reply.UpstreamReply(new UpstreamState(true, false, "mqtt://b:1883", "refused", T, 0L, 3L, 7L, 1L)),
                new Reply.ProvisioningReply(ProvisioningState.notProvisioned()),
                new Reply.ProvisioningReply(new ProvisioningState(ProvisioningType.MANUAL_CONNECTION_STRING, "hub.example", "edge1",
                        ProvisioningState.Link.REFUSED, "not authorized", T)),
                new Reply.ProvisioningReply(new ProvisioningState(ProvisioningType.DPS_SYMMETRIC_KEY, null, null,
                        ProvisioningState.Link.REGISTERING, "cannot reach DPS", T, new ProvisioningState.Registration(
                        "https://dps.example", "0ne00000001", "edge1", "unreachable", null, "cannot reach DPS", null, T))),
                new MethodResult(200, json("{\"done\":true}")), new MethodResult(404, JsonNodeFactory.instance.nullNode()),
                new LogLine(T, "stdout", "hello"),
                new ModuleMessage(T, "filter", null, Map.of("k", "v"), Map.of("$.mid", "1"), "hi".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void everyRequestTypeSurvivesItsLine() throws Exception {
        for (Request<?> request : requests()) {
            byte[] line = Wire.line(request);
            assertThat(line[line.length - 1]).isEqualTo((byte) '\n');
            assertThat(Arrays.copyOf(line, line.length - 1)).doesNotContain((byte) '\n');
            Request<?> back = Wire.readRequest(line);
            assertThat(back).isInstanceOf(request.getClass());
            assertThat(tree(Wire.line(back))).as(request.toString()).isEqualTo(tree(line));
            assertThat(tree(line).path("op").asText()).isEqualTo(request.op());
        }
        assertThat(classes(requests())).isEqualTo(permitted(Request.class));
    }

    @Test
    void everyReplyTypeSurvivesItsLine() throws Exception {
        for (Reply reply : replies()) {
            byte[] line = Wire.line(reply);
            Reply back = Wire.readReply(line);
            assertThat(back).isInstanceOf(reply.getClass());
            assertThat(tree(Wire.line(back))).as(reply.toString()).isEqualTo(tree(line));
            if (!(reply instanceof ModuleMessage) && !(reply instanceof Reply.Deployment d && d.manifest() != null)
                    && !(reply instanceof MethodResult)) {
                assertThat(back).isEqualTo(reply); // records of plain values: equal as well as alike
            }
        }
        assertThat(classes(replies())).isEqualTo(permitted(Reply.class));
    }

    @Test
    void requestsKeepTheOperationNamesTheGuestHasAlwaysRead() {
        assertThat(text(Wire.line(new HubRequest.Publish("filter", "input1", new byte[] {(byte) 0xff, 0}, Map.of(), null, null))))
                .isEqualTo("{\"op\":\"hub-publish\",\"module\":\"filter\",\"input\":\"input1\",\"body\":\"/wA=\",\"properties\":{}}\n");
        assertThat(text(Wire.line(new AgentRequest.Restart("filter", false)))).isEqualTo("{\"op\":\"restart\",\"module\":\"filter\",\"newIdentity\":false}\n");
        assertThat(text(Wire.line(new HubRequest.Subscribe(null, null)))).isEqualTo("{\"op\":\"hub-subscribe\"}\n");
        assertThat(new HubRequest.SetUpstream("HostName=h;SharedAccessKey=secret", null).toString()).doesNotContain("secret");
    }

    @Test
    void aReplyNamesItsKindOnTheWireOnly() throws Exception {
        LogLine line = new LogLine(T, "stderr", "oops");
        assertThat(text(Wire.line(line)))
                .isEqualTo("{\"reply\":\"log\",\"time\":\"2026-01-02T03:04:05.123Z\",\"stream\":\"stderr\",\"text\":\"oops\"}\n");
        assertThat(PLAIN.writeValueAsString(line)).isEqualTo("{\"time\":\"2026-01-02T03:04:05.123Z\",\"stream\":\"stderr\",\"text\":\"oops\"}");
        assertThat(PLAIN.writeValueAsString(new Reply.ImagesLoaded(List.of("a")))).isEqualTo("{\"images\":[\"a\"]}");
        assertThat(text(Wire.line(new Failure(Failure.Kind.BAD_REQUEST, "no\n  good", null))))
                .isEqualTo("{\"reply\":\"error\",\"kind\":\"bad-request\",\"message\":\"no good\"}\n");
        assertThat(PLAIN.writeValueAsString(UpstreamState.notConfigured())).isEqualTo("{\"configured\":false,\"connected\":false}");
    }

    @Test
    void aLineThatIsNoKnownRecordIsMalformedWithJacksonsFirstLine() {
        assertThatThrownBy(() -> Wire.readRequest("{\"op\":\"reboot\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(Wire.Malformed.class).hasMessageContaining("reboot").hasMessageNotContaining("\n");
        assertThatThrownBy(() -> Wire.readRequest("not json".getBytes(StandardCharsets.UTF_8))).isInstanceOf(Wire.Malformed.class);
        assertThatThrownBy(() -> Wire.readRequest(new byte[0])).isInstanceOf(Wire.Malformed.class);
        assertThatThrownBy(() -> Wire.readReply("{\"ok\":true}".getBytes(StandardCharsets.UTF_8))).isInstanceOf(Wire.Malformed.class);
    }

    @Test
    void aFailureIsOneBoundedLineWhateverItWasGiven() {
        assertThat(Failure.of(Failure.Kind.INTERNAL, null).message()).isEqualTo("no reason given");
        assertThat(Failure.of(null, "x").kind()).isEqualTo(Failure.Kind.INTERNAL);
        assertThat(Failure.of(Failure.Kind.IMAGE, "a\r\nb\tc ".repeat(1000)).message()).doesNotContain("\n", "\r")
                .hasSize(Failure.MAX_MESSAGE);
    }

    private static Set<Class<?>> classes(List<?> values) {
        return values.stream().map(Object::getClass).collect(Collectors.toSet());
    }

    /** Every record a sealed type permits, through its sealed sub-interfaces. */
    private static Set<Class<?>> permitted(Class<?> sealed) {
        List<Class<?>> found = new ArrayList<>();
        Stream.of(sealed.getPermittedSubclasses()).forEach(c -> {
            if (c.isSealed()) {
                found.addAll(permitted(c));
            } else {
                found.add(c);
            }
        });
        return Set.copyOf(found);
    }

    private static JsonNode json(String text) {
        try {
            return PLAIN.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static JsonNode tree(byte[] line) throws Exception {
        return PLAIN.readTree(line);
    }

    private static String text(byte[] line) {
        return new String(line, StandardCharsets.UTF_8);
    }
}
