package io.eflow.iothub.emulator.registry;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eflow.contract.iothub.TwinLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RegistryTest {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    @TempDir
    Path state;

    @Test
    void identitiesKeysAndTwinsSurviveARestartInAnOwnerOnlyFile() throws Exception {
        Registry registry = Registry.open(state, Clock.systemUTC());
        DeviceIdentity device = registry.putDevice(spec("d1", true), Optional.empty());
        registry.putModule("d1", "filter", Optional.empty(), Optional.empty(), Optional.empty());
        registry.patchReported(IdentityRef.module("d1", "filter"), JSON.objectNode().put("applied", 25));
        registry.patchTwin(IdentityRef.device("d1"), Optional.empty(), Optional.of(JSON.objectNode().put("x", 1)), Optional.empty());

        Registry reopened = Registry.open(state, Clock.systemUTC());

        assertThat(reopened.ownerKey()).isEqualTo(registry.ownerKey());
        assertThat(reopened.device("d1")).isEqualTo(device);
        assertThat(reopened.modules("d1")).extracting(ModuleIdentity::moduleId).containsExactly("$edgeAgent", "$edgeHub", "filter");
        assertThat(reopened.twin(IdentityRef.module("d1", "filter")).reported().path("applied").asInt()).isEqualTo(25);
        assertThat(reopened.twin(IdentityRef.device("d1")).desiredDocument().path("$version").asInt()).isEqualTo(2);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve(Registry.FILE)))).isEqualTo("rw-------");
    }

    @Test
    void anUpdateNeedsIfMatchAndAStaleEtagIsRefused() {
        Registry registry = Registry.inMemory(Clock.systemUTC());
        registry.putDevice(spec("d1", false), Optional.empty());

        assertThatThrownBy(() -> registry.putDevice(spec("d1", false), Optional.empty()))
                .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.status()).isEqualTo(409));
        assertThatThrownBy(() -> registry.putDevice(spec("d1", false), Optional.of("\"bm9wZQ==\"")))
                .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.status()).isEqualTo(412));
        assertThat(registry.putDevice(spec("d1", false), Optional.of("\"" + Registry.etag(1) + "\"")).etagVersion()).isEqualTo(2);
    }

    @Test
    void disablingADeviceRevokesItAndItsModulesAndADesiredPatchIsAnnouncedWithItsVersion() {
        Registry registry = Registry.inMemory(Clock.systemUTC());
        List<RegistryEvent> events = new ArrayList<>();
        registry.addListener(events::add);
        registry.putDevice(spec("edge", true), Optional.empty());
        registry.patchTwin(IdentityRef.module("edge", "$edgeAgent"), Optional.empty(),
                Optional.of(JSON.objectNode().put("schemaVersion", "1.1")), Optional.of("*"));
        registry.putDevice(new DeviceSpec("edge", Optional.of(false), Optional.empty(), Optional.empty(), Optional.empty()),
                Optional.of("*"));

        assertThat(events.get(0)).isInstanceOfSatisfying(RegistryEvent.DesiredChanged.class,
                e -> assertThat(e.patch().path("$version").asInt()).isEqualTo(2));
        assertThat(events.subList(1, events.size())).extracting(RegistryEvent::ref).extracting(Object::toString)
                .containsExactly("edge", "edge/$edgeAgent", "edge/$edgeHub");
        assertThat(registry.access(IdentityRef.module("edge", "$edgeHub")).orElseThrow().enabled()).isFalse();
    }

    @Test
    void twinSizeCountsKeysAndValuesAsIotHubDoes() {
        ObjectNode section = JSON.objectNode().put("abc", "12345").put("n", 7).put("on", true);
        section.putObject("o").put("k", "v");
        section.put("$version", 4);

        // 3+5, 1+8, 2+4, 1+(1+1); $version does not count
        assertThat(TwinLimits.size(section)).isEqualTo(26);
        assertThat(TwinLimits.depth(section)).isEqualTo(2);
    }

    @Test
    void keysAndStringValuesHaveIotHubsLimitsAndARefusedPatchChangesNothing() {
        Registry registry = Registry.inMemory(Clock.systemUTC());
        registry.putDevice(spec("d1", false), Optional.empty());
        IdentityRef d1 = IdentityRef.device("d1");

        assertThatThrownBy(() -> registry.patchReported(d1, JSON.objectNode().put("v", "x".repeat(4097))))
                .hasMessageContaining("4096");
        assertThatThrownBy(() -> registry.patchReported(d1, JSON.objectNode().put("k".repeat(1025), 1)))
                .hasMessageContaining("1024");
        assertThatThrownBy(() -> registry.patchReported(d1, JSON.objectNode().put("a.b", 1)))
                .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.status()).isEqualTo(400));
        assertThat(registry.twin(d1).reportedVersion()).isEqualTo(1);
        assertThat(registry.patchReported(d1, JSON.objectNode().put("v", "x".repeat(4096)))).isEqualTo(2);
    }

    private static DeviceSpec spec(String id, boolean edge) {
        return new DeviceSpec(id, Optional.empty(), Optional.empty(), Optional.of(edge), Optional.empty());
    }
}
