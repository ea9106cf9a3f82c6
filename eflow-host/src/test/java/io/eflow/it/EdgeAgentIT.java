package io.eflow.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import io.eflow.modules.AgentClient;
import io.eflow.platform.EflowException;
import io.eflow.platform.Json;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The edge agent end to end in the shared guest: an image loaded from a tarball, deployments applied through the
 * host, modules run by crun, their restart policies, back-off, logs, recreation, removal, health checks, and bad
 * manifests refused with the running modules untouched. One deployment evolves through the ordered steps.
 */
@BothBackends
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EdgeAgentIT extends SharedGuestTest {
    static final String IMAGE = "eflow-test/busybox:1";
    private static final Duration SLOW = Duration.ofSeconds(120);

    /**
     * A one-layer image of the host's static busybox, written by Jib as an OCI image layout tarball. It is /bin/sh too,
     * which CMD-SHELL health checks run.
     */
    static synchronized Path busyboxImage(TestHost host) throws Exception {
        Path work = host.workDir("busybox");
        Path tar = work.resolve("busybox.tar");
        if (Files.isRegularFile(tar)) {
            return tar;
        }
        FilePermissions executable = FilePermissions.fromOctalString("755");
        FileEntriesLayer layer = FileEntriesLayer.builder()
                .addEntry(Path.of("/bin/busybox"), AbsoluteUnixPath.get("/bin/busybox"), executable)
                .addEntry(Path.of("/bin/busybox"), AbsoluteUnixPath.get("/bin/sh"), executable).build();
        Jib.fromScratch().addFileEntriesLayer(layer).setFormat(ImageFormat.OCI)
                .containerize(Containerizer.to(TarImage.at(tar).named(IMAGE))
                        .setBaseImageLayersCache(work.resolve("cache/base")).setApplicationLayersCache(work.resolve("cache/app")));
        return tar;
    }

    static String module(String script, String restartPolicy, String status, int startupOrder, String message) {
        String createOptions = "{\\\"Cmd\\\":[\\\"/bin/busybox\\\",\\\"sh\\\",\\\"-c\\\",\\\"" + script + "\\\"]}";
        return """
                {"version": "1.0", "type": "docker", "status": "%s", "restartPolicy": "%s", "startupOrder": %d,
                 "imagePullPolicy": "never", "env": {"MESSAGE": {"value": "%s"}},
                 "settings": {"image": "%s", "createOptions": "%s"}}""".formatted(status, restartPolicy, startupOrder, message,
                IMAGE, createOptions);
    }

    static String manifest(Map<String, String> modules) {
        List<String> entries = new ArrayList<>();
        modules.forEach((name, module) -> entries.add("\"" + name + "\": " + module));
        return """
                {"modulesContent": {"$edgeAgent": {"properties.desired": {"schemaVersion": "1.1",
                  "runtime": {"type": "docker", "settings": {"minDockerVersion": "v1.25"}},
                  "systemModules": {
                    "edgeAgent": {"type": "docker", "settings": {"image": "mcr.microsoft.com/azureiotedge-agent:1.5"}},
                    "edgeHub": {"type": "docker", "status": "running", "restartPolicy": "always",
                                "settings": {"image": "mcr.microsoft.com/azureiotedge-hub:1.5"}}},
                  "modules": {%s}}},
                 "$edgeHub": {"properties.desired": {"schemaVersion": "1.1", "routes": {},
                   "storeAndForwardConfiguration": {"timeToLiveSecs": 7200}}}}}""".formatted(String.join(",", entries));
    }

    /**
     * A module with a health check every second that fails once (Retries 1): healthy while /tmp/healthy exists. The
     * createOptions are a JSON string, as IoT Edge writes them.
     */
    static String healthChecked(String script, String restartPolicy) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode options = json.createObjectNode();
        options.putArray("Cmd").add("/bin/busybox").add("sh").add("-c").add(script);
        options.putObject("Healthcheck").put("Interval", 1_000_000_000L).put("Retries", 1)
                .putArray("Test").add("CMD-SHELL").add("test -e /tmp/healthy");
        ObjectNode module = json.createObjectNode().put("version", "1.0").put("type", "docker")
                .put("status", "running").put("restartPolicy", restartPolicy).put("imagePullPolicy", "never");
        module.putObject("settings").put("image", IMAGE).put("createOptions", options.toString());
        return module.toString();
    }

    /** Shell steps for the health-checked modules: sleeps in the background, so a stop's TERM ends them at once. */
    static String healthy(boolean healthy) {
        return healthy ? ": > /tmp/healthy; " : "/bin/busybox rm -f /tmp/healthy; ";
    }

    static String nap(int seconds) {
        return "/bin/busybox sleep " + seconds + " & wait; ";
    }

    static final String TICKER = "trap 'exit 0' TERM; while true; do echo tick $MESSAGE; echo pid $$ host $(/bin/busybox hostname); /bin/busybox sleep 1 & wait; done";

    static Map<String, String> deployment(String tickerMessage) {
        Map<String, String> modules = new LinkedHashMap<>();
        modules.put("sleeper", module("trap 'exit 0' TERM; /bin/busybox sleep 1000 & wait", "always", "stopped", 3, "z"));
        modules.put("oneshot", module("echo once; exit 4", "never", "running", 2, "z"));
        modules.put("crasher", module("echo boom; exit 3", "always", "running", 1, "z"));
        modules.put("ticker", module(TICKER, "always", "running", 0, tickerMessage));
        return modules;
    }

    /** The ticker and the rest of the deployment go: other classes find the shared guest without modules. */
    @AfterParameterizedClassInvocation
    static void putTheGuestBack(String backend, TestHost host) {
        putBack(host, backend, f -> false);
    }

    AgentClient edge() {
        return new AgentClient(host.manager());
    }

    JsonNode modules() {
        return Json.MAPPER.valueToTree(edge().modules(guest));
    }

    String logs(String module, Integer tail) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        edge().logs(guest, module, tail, null, false, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    @Order(1)
    @VmCheck
    void aLoadedImageRunsAsDeployedModulesUnderTheirRestartPolicies() throws Exception {
        JsonNode loaded = Json.MAPPER.valueToTree(edge().load(guest, busyboxImage(host), null));
        assertThat(loaded.toString()).contains(IMAGE);

        JsonNode applied = Json.MAPPER.valueToTree(edge().apply(guest, manifest(deployment("a")).getBytes(StandardCharsets.UTF_8)));
        assertThat(applied.path("modules").asInt()).isEqualTo(4);

        await().atMost(SLOW).untilAsserted(() -> {
            JsonNode modules = modules();
            assertThat(modules.at("/ticker/runtimeStatus").asText()).isEqualTo("running");
            assertThat(modules.at("/oneshot/runtimeStatus").asText()).isEqualTo("failed");
            assertThat(modules.at("/oneshot/exitCode").asInt()).isEqualTo(4);
            assertThat(modules.at("/sleeper/runtimeStatus").asText()).isEqualTo("stopped");
            assertThat(modules.at("/crasher/restartCount").asInt()).isGreaterThanOrEqualTo(3);
        });
        JsonNode modules = modules();
        assertThat(modules.at("/oneshot/restartCount").asInt()).as("restartPolicy never").isZero();
        assertThat(modules.at("/sleeper/lastStartTimeUtc").isMissingNode()).as("a stopped module never starts").isTrue();
        assertThat(modules.at("/crasher/exitCode").asInt()).isEqualTo(3);
        assertThat(modules.at("/crasher/runtimeStatus").asText()).isIn("backoff", "running");
        Instant ticker = Instant.parse(modules.at("/ticker/lastStartTimeUtc").asText());
        Instant oneshot = Instant.parse(modules.at("/oneshot/lastStartTimeUtc").asText());
        assertThat(ticker).as("startupOrder 0 starts before 2").isBefore(oneshot);

        String tickerLog = logs("ticker", null);
        assertThat(tickerLog).contains("tick a").contains("pid 1 host ticker");
        assertThat(logs("crasher", null)).contains("boom");
    }

    @Test
    @Order(2)
    void aCrashingModuleBacksOffLongerEachTime() {
        // a changed env recreates the crasher: its restart count and back-off start again from the first step
        Map<String, String> fresh = deployment("a");
        fresh.put("crasher", fresh.get("crasher").replace("\"value\": \"z\"", "\"value\": \"fresh\""));
        edge().apply(guest, manifest(fresh).getBytes(StandardCharsets.UTF_8));
        await().atMost(SLOW).until(() -> modules().at("/crasher/restartCount").asInt() == 0);
        // each exit announces its back-off ("next start in N s"); the next start comes no sooner, and N doubles with
        // each restart. A slow poll (an emulated guest) may miss a whole cycle: samples carry their restart count.
        record Sample(int count, double announced, Duration waited) {
        }
        List<Sample> samples = new ArrayList<>();
        int[] seen = {0};
        Instant[] exited = {null};
        Double[] delay = {null};
        Pattern next = Pattern.compile("next start in ([0-9.]+) s");
        await().atMost(SLOW).pollInterval(Duration.ofMillis(200)).until(() -> {
            JsonNode crasher = modules().get("crasher");
            int count = crasher.path("restartCount").asInt();
            // a restart is paired with the exit seen at the previous poll, when it waited at the same count
            if (count > seen[0]) {
                if (count == seen[0] + 1 && exited[0] != null) {
                    samples.add(new Sample(count, delay[0],
                            Duration.between(exited[0], Instant.parse(crasher.path("lastRestartTimeUtc").asText()))));
                }
                seen[0] = count;
            }
            Matcher waiting = next.matcher(crasher.path("statusDescription").asText());
            boolean backoff = crasher.path("runtimeStatus").asText().equals("backoff") && waiting.find();
            exited[0] = backoff ? Instant.parse(crasher.path("lastExitTimeUtc").asText()) : null;
            delay[0] = backoff ? Double.valueOf(waiting.group(1)) : null;
            return samples.size() >= 3;
        });
        for (int i = 0; i < samples.size(); i++) {
            Sample sample = samples.get(i);
            // both instants come from the agent's one clock, so no slack: how late a restart comes is bench/edge-agent.sh's
            assertThat(sample.waited()).as("waited for the announced back-off: %s", samples)
                    .isGreaterThanOrEqualTo(Duration.ofMillis(Math.round(sample.announced() * 1000)));
            if (i > 0) {
                Sample before = samples.get(i - 1);
                assertThat(sample.announced()).as("back-off doubles at each restart: %s", samples)
                        .isEqualTo(before.announced() * (1 << (sample.count() - before.count())));
            }
        }
    }

    @Test
    @Order(3)
    void badManifestsAreRefusedWithTheirJsonPathAndChangeNothing() {
        String before = modules().at("/ticker/lastStartTimeUtc").asText();
        String good = manifest(deployment("a"));
        assertThatThrownBy(() -> edge().apply(guest, "{not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(EflowException.class).hasMessageContaining("invalid deployment manifest");
        assertThatThrownBy(() -> edge().apply(guest, good.replace("\"oneshot\":", "\"one shot!\":").getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("modules.one shot!");
        assertThatThrownBy(() -> edge().apply(guest, good.replace(IMAGE, "Bad//Image:::1").getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("settings.image");
        String wrongType = good.replace("{\\\"Cmd\\\":[\\\"/bin/busybox\\\",\\\"sh\\\",\\\"-c\\\",\\\"echo once",
                "{\\\"HostConfig\\\":{\\\"Memory\\\":\\\"lots\\\"},\\\"Cmd\\\":[\\\"/bin/busybox\\\",\\\"sh\\\",\\\"-c\\\",\\\"echo once");
        assertThat(wrongType).isNotEqualTo(good);
        assertThatThrownBy(() -> edge().apply(guest, wrongType.getBytes(StandardCharsets.UTF_8))).hasMessageContaining("Memory");
        assertThat(modules().at("/ticker/lastStartTimeUtc").asText()).as("the running deployment is untouched").isEqualTo(before);
        assertThat(edge().deployment(guest).toString()).contains("oneshot").doesNotContain("one shot!");
    }

    @Test
    @Order(4)
    void changingEnvRecreatesRemovingDropsAndRestartRestarts() {
        Map<String, String> next = deployment("b");
        next.remove("crasher");
        next.put("sleeper", next.get("sleeper").replace("\"stopped\"", "\"running\""));
        edge().apply(guest, manifest(next).getBytes(StandardCharsets.UTF_8));
        await().atMost(SLOW).untilAsserted(() -> {
            JsonNode modules = modules();
            assertThat(modules.has("crasher")).isFalse();
            assertThat(modules.at("/sleeper/runtimeStatus").asText()).isEqualTo("running");
            assertThat(logs("ticker", 3)).contains("tick b");
        });
        assertThat(run("sudo", "crun", "--root", "/run/eflow/crun", "list")).doesNotContain("crasher").contains("ticker");

        next.put("sleeper", next.get("sleeper").replace("\"running\"", "\"stopped\""));
        edge().apply(guest, manifest(next).getBytes(StandardCharsets.UTF_8));
        await().atMost(SLOW).untilAsserted(() -> assertThat(modules().at("/sleeper/runtimeStatus").asText()).isEqualTo("stopped"));
        assertThat(run("sudo", "crun", "--root", "/run/eflow/crun", "list")).doesNotContain("sleeper");

        int restarts = modules().at("/ticker/restartCount").asInt();
        edge().restart(guest, "ticker", false);
        await().atMost(SLOW).untilAsserted(() -> assertThat(modules().at("/ticker/restartCount").asInt()).isGreaterThan(restarts));
        assertThatThrownBy(() -> edge().restart(guest, "nosuch", false)).hasMessageContaining("no module named 'nosuch'");
    }

    @Test
    @Order(5)
    @VmCheck
    void aModuleIsConfinedToItsOwnNamespaces() {
        String pid = run("sudo", "sh", "-c", "cat /run/eflow/crun/ticker/status 2>/dev/null | tr ',' '\\n' | grep '\"pid\"' | tr -dc 0-9");
        assertThat(pid).isNotEmpty();
        String guestUser = run("sudo", "readlink", "/proc/self/ns/user");
        assertThat(run("sudo", "readlink", "/proc/" + pid + "/ns/user")).as("own user namespace").isNotEqualTo(guestUser);
        assertThat(run("sudo", "readlink", "/proc/" + pid + "/ns/pid")).isNotEqualTo(run("sudo", "readlink", "/proc/self/ns/pid"));
        assertThat(run("sudo", "grep", "CapEff", "/proc/" + pid + "/status")).doesNotContain("000001ffffffffff");
    }

    @Test
    @Order(6)
    void aFailingHealthCheckMakesAModuleUnhealthyAndOnUnhealthyRestartsIt() {
        String start = "trap 'exit 0' TERM; /bin/busybox mkdir -p /tmp; " + healthy(true) + nap(3) + healthy(false);
        Map<String, String> next = deployment("b");
        next.remove("crasher");
        // on-failure only reports unhealthy, and healthy again once the test passes
        next.put("limping", healthChecked(start + nap(4) + healthy(true) + nap(1000), "on-failure"));
        // on-unhealthy stops it and starts it again after the back-off
        next.put("sickly", healthChecked(start + nap(1000), "on-unhealthy"));
        edge().apply(guest, manifest(next).getBytes(StandardCharsets.UTF_8));

        boolean[] seen = {false, false};
        String[] unhealthy = {""};
        await().atMost(SLOW).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            JsonNode modules = modules();
            // path(): the agent lists a module once its loop reaches it, which the apply does not wait for
            JsonNode limping = modules.path("limping");
            JsonNode sickly = modules.path("sickly");
            if (limping.path("runtimeStatus").asText().equals("unhealthy")) {
                seen[0] = true;
                unhealthy[0] = limping.path("statusDescription").asText();
            }
            // the unhealthy state lasts as long as its stop; the back-off after it still says why
            seen[1] |= sickly.path("runtimeStatus").asText().equals("unhealthy")
                    || sickly.path("statusDescription").asText().startsWith("unhealthy: ");
            assertThat(seen[0]).as("limping reported unhealthy: %s", limping).isTrue();
            assertThat(limping.path("statusDescription").asText()).as("healthy again: %s", limping).isEqualTo("running; healthy again");
            assertThat(seen[1]).as("sickly seen unhealthy: %s", sickly).isTrue();
            assertThat(sickly.path("restartCount").asInt()).as("sickly restarted: %s", sickly).isGreaterThanOrEqualTo(1);
        });
        assertThat(unhealthy[0]).isEqualTo("unhealthy: 1 failed health check; the last exited with 1;"
                + " restartPolicy on-failure keeps it running");
        JsonNode limping = modules().get("limping");
        assertThat(limping.path("runtimeStatus").asText()).isEqualTo("running");
        assertThat(limping.path("restartCount").asInt()).as("on-failure does not restart an unhealthy module").isZero();
        assertThat(limping.has("lastExitTimeUtc")).isFalse();

        // removed again: the shared guest goes on without a module that restarts every few seconds
        next.remove("limping");
        next.remove("sickly");
        edge().apply(guest, manifest(next).getBytes(StandardCharsets.UTF_8));
        await().atMost(SLOW).untilAsserted(() -> assertThat(modules().has("sickly") || modules().has("limping")).isFalse());
    }

    @Test
    @Order(7)
    void checkReportsTheRuntime() {
        JsonNode checks = Json.MAPPER.valueToTree(edge().check(guest));
        Map<String, JsonNode> byId = new HashMap<>();
        checks.forEach(check -> byId.put(check.path("id").asText(), check));
        List<String> fine = List.of("runtime", "images", "clock", "dns", "certificate-edge-ca", "certificate-hub-server-certificate");
        assertThat(byId).containsKeys(fine.toArray(String[]::new));
        for (String id : fine) {
            assertThat(byId.get(id).path("status").asText()).as(byId.get(id).toString()).isEqualTo("ok");
        }
        assertThat(byId.get("runtime").path("detail").asText()).isEqualTo("the agent answers");
        // the busybox image is stored, so the digest check really hashed blobs
        assertThat(byId.get("images").path("detail").asText()).matches("[1-9][0-9]* blobs verified");
        // expiry shown ahead of time: the server certificate lives 90 days, renewed from day 72
        assertThat(byId.get("certificate-hub-server-certificate").path("detail").asText()).matches("expires \\S+ \\(in 8[89] days\\), renews from \\S+");
    }
}
