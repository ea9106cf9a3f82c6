package io.eflow.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.eflow.contract.proxy.ProxySettings;
import io.eflow.daemon.api.ProxyChange;
import io.eflow.daemon.api.ProxyView;
import io.eflow.edge.image.TestRegistry;
import io.eflow.edge.proxy.Tinyproxy;
import io.eflow.forward.Forward;
import io.eflow.forward.Forwards;
import io.eflow.instance.InstanceManager;
import io.eflow.modules.AgentClient;
import io.eflow.platform.InvalidValue;
import io.eflow.platform.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Set-EflowVmProxyServers on either backend: the guest's image pulls go through the instance's proxy (Debian's
 * tinyproxy on the host, which the guest reaches at its loopback port through a reverse forward) and nowhere else: the
 * registry is on the host's loopback, which the guest has no forward to. A proxy that refuses is a clear error naming
 * it; a proxy set while the guest runs takes effect at the next pull, and every start gives the guest the settings
 * again. Update checks through the proxy are in UpdateSourceTest, MQTT to the IoT Hub in ProxiedUpstreamTest.
 */
@BothBackends
@VmCheck
class ProxyIT extends SharedGuestTest {
    private static final int REFUSING = 3128;
    private static final int ALLOWING = 3129;
    private static final Duration SLOW = Duration.ofSeconds(180);
    static TestRegistry registry;
    static Tinyproxy allowing;
    static Tinyproxy refusing;
    static String image;

    @BeforeAll
    static void registryAndProxies(TestHost host) throws Exception {
        Path work = host.workDir("proxy");
        registry = TestRegistry.start(Files.createDirectories(work.resolve("registry")));
        allowing = Tinyproxy.start(work.resolve("allowing"));
        refusing = Tinyproxy.refusing(work.resolve("refusing"));
        host.recordHelpers();
        // a layer of its own, so no earlier pull has it stored
        Files.writeString(work.resolve("proxied.txt"), "pulled through a proxy: " + System.nanoTime());
        image = registry.address() + "/eflow-test/busybox:proxied";
        RegistryPullIT.push(registry.address() + "/eflow-test/busybox:proxied", work.resolve("proxied.txt"), null, work);
    }

    @AfterParameterizedClassInvocation
    static void putTheGuestBack(String backend, TestHost host) {
        host.manager().hostResources().setProxy(host.sharedGuest(backend), new ProxyChange(null, null, null));
        putBack(host, backend, f -> f.direction() == Forward.Direction.TO_HOST && Set.of(REFUSING, ALLOWING).contains(f.guestPort()));
    }

    @AfterAll
    static void stop() throws Exception {
        allowing.close();
        refusing.close();
        registry.close();
    }

    @Test
    void imagePullsGoThroughTheInstancesProxyWhichARefusalNamesAndEveryStartGivesItAgain() throws Exception {
        InstanceManager manager = host.manager();
        // the forwards live as long as this object (the daemon keeps one for its life)
        try (Forwards forwards = new Forwards(manager)) {
            forwards.add(guest, new Forward(Forward.Direction.TO_HOST, "127.0.0.1:" + refusing.port(), REFUSING));
            forwards.add(guest, new Forward(Forward.Direction.TO_HOST, "127.0.0.1:" + allowing.port(), ALLOWING));
            pullsThroughTheProxy(manager);
        }
    }

    private void pullsThroughTheProxy(InstanceManager manager) throws Exception {
        assertThatThrownBy(() -> manager.hostResources().setProxy(guest, new ProxyChange("https://127.0.0.1:3128", null, null)))
                .isInstanceOf(InvalidValue.class).hasMessageStartingWith("proxy http proxy must look like");
        assertThat(manager.hostResources().proxy(guest).settings().isEmpty()).as("nothing stored").isTrue();

        ProxyView refused = manager.hostResources().setProxy(guest, new ProxyChange("http://127.0.0.1:" + REFUSING, null, null));
        assertThat(refused.inGuest()).as("in the running guest at once").isEqualTo(refused.settings());
        AgentClient edge = new AgentClient(manager);
        edge.apply(guest, EdgeAgentIT.manifest(Map.of("proxied", RegistryPullIT.pulled(image, "proxied"))).getBytes(StandardCharsets.UTF_8));
        await().atMost(SLOW).untilAsserted(() -> assertThat(module("proxied").path("statusDescription").asText())
                .contains("403").contains("through the proxy 127.0.0.1:" + REFUSING));

        manager.hostResources().setProxy(guest, new ProxyChange("http://127.0.0.1:" + ALLOWING, null, List.of("example.invalid")));
        await().atMost(SLOW).untilAsserted(() -> assertThat(module("proxied").path("runtimeStatus").asText()).isEqualTo("running"));
        assertThat(allowing.log()).as("tinyproxy's log").contains("GET http://" + registry.address() + "/v2/eflow-test/busybox/");

        manager.stop(guest);
        manager.start(guest);
        ProxyView restarted = manager.hostResources().proxy(guest);
        assertThat(restarted.inGuest()).as("given again by the start").isEqualTo(new ProxySettings("http://127.0.0.1:" + ALLOWING, null,
                List.of("example.invalid")));
        manager.hostResources().setProxy(guest, new ProxyChange(null, null, null));
        assertThat(manager.hostResources().proxy(guest).inGuest().isEmpty()).as("cleared in the guest").isTrue();
    }

    private JsonNode module(String name) {
        return Json.MAPPER.<JsonNode>valueToTree(new AgentClient(host.manager()).modules(guest)).path(name);
    }
}
