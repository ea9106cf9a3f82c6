package io.eflow.edge.hub.auth;

import io.eflow.contract.iothub.ConnectionString;
import io.eflow.edge.testing.TestClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdentitiesTest {
    private static final ClientId DEVICE = ClientId.device("d1");
    private static final ClientId FILTER = ClientId.module("d1", "filter");
    private static final ClientId SENSOR = ClientId.module("d1", "sensor");
    private static final ClientId APP = ClientId.module("d1", "app");

    @TempDir
    Path temp;
    private final TestClock clock = new TestClock(Instant.parse("2025-03-01T10:00:00Z"));

    private Identities open() throws IOException {
        return Identities.open(temp.resolve("identities"), "d1", clock);
    }

    @Test
    void identitiesAndKeysSurviveAReload() throws IOException {
        Identities registry = open();
        registry.ensureModules("d1", Set.of("filter", "sensor"));
        registry.addHost("app");

        Identities reloaded = open();

        assertThat(reloaded.list()).containsExactlyElementsOf(registry.list());
        assertThat(reloaded.list()).extracting(Identity::clientIdentity).containsExactly(DEVICE, APP, FILTER, SENSOR);
        assertThat(reloaded.find(APP)).hasValueSatisfying(app -> {
            assertThat(app.kind()).isEqualTo(Identity.Kind.HOST);
            assertThat(app.created()).isEqualTo(clock.instant());
        });
        assertThat(reloaded.deviceId()).isEqualTo("d1");
    }

    @Test
    void theFolderIsTheRuntimesAloneAndTheFileIsReplacedWhole() throws IOException {
        Path folder = temp.resolve("identities");
        Files.createDirectories(folder, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Identities registry = Identities.open(folder, "d1", clock);
        registry.ensureModules("d1", Set.of("filter"));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder.resolve("identities.json"))))
                .isEqualTo("rw-------");
        try (Stream<Path> files = Files.list(folder)) {
            assertThat(files).extracting(f -> f.getFileName().toString()).containsExactly("identities.json");
        }
    }

    @Test
    void keysAre32RandomBytes() throws IOException {
        Identities registry = open();
        registry.ensureModules("d1", Set.of("filter", "sensor"));

        assertThat(registry.list()).extracting(i -> Base64.getDecoder().decode(i.key()).length).containsOnly(32);
        assertThat(registry.list()).extracting(Identity::key).doesNotHaveDuplicates();
    }

    @Test
    void aDeploymentAddsNewModulesKeepsDeployedOnesAndRemovesTheRest() throws IOException {
        Identities registry = open();

        Identities.Changes first = registry.ensureModules("d1", Set.of("filter", "sensor"));
        assertThat(first.added()).containsExactlyInAnyOrder(DEVICE, FILTER, SENSOR);
        assertThat(first.removed()).isEmpty();
        String sensorKey = registry.find(SENSOR).orElseThrow().key();

        clock.advance(Duration.ofHours(1));
        ClientId counter = ClientId.module("d1", "counter");
        Identities.Changes second = registry.ensureModules("d1", Set.of("sensor", "counter"));

        assertThat(second.added()).containsExactly(counter);
        assertThat(second.removed()).containsExactly(FILTER);
        assertThat(registry.find(SENSOR).orElseThrow().key()).as("a deployed module keeps its key").isEqualTo(sensorKey);
        assertThat(registry.find(FILTER)).isEmpty();
        assertThat(registry.find(counter).orElseThrow().created()).isEqualTo(clock.instant());
        assertThat(open().find(FILTER)).as("saved").isEmpty();
    }

    @Test
    void theSameDeploymentAgainChangesNothing() throws IOException {
        Identities registry = open();
        registry.ensureModules("d1", Set.of("filter"));
        var before = registry.list();

        assertThat(registry.ensureModules("d1", Set.of("filter")).isEmpty()).isTrue();
        assertThat(registry.list()).isEqualTo(before);
    }

    @Test
    void deploymentsLeaveHostIdentitiesAlone() throws IOException {
        Identities registry = open();
        Identity app = registry.addHost("app");

        Identities.Changes changes = registry.ensureModules("d1", Set.of());

        assertThat(changes.removed()).isEmpty();
        assertThat(registry.find(APP)).contains(app);
    }

    @Test
    void aModuleMayNotTakeAHostIdentitysName() throws IOException {
        Identities registry = open();
        registry.addHost("app");

        assertThatThrownBy(() -> registry.ensureModules("d1", Set.of("app", "filter")))
                .isInstanceOf(IdentityException.class)
                .hasMessageContaining("'app'").hasMessageContaining("host identity");
        assertThat(registry.find(FILTER)).as("refused whole").isEmpty();
        assertThat(registry.find(APP).orElseThrow().kind()).isEqualTo(Identity.Kind.HOST);
    }

    @Test
    void moduleIdsIoTHubWouldRefuseAreRefused() throws IOException {
        Identities registry = open();

        assertThatThrownBy(() -> registry.ensureModules("d1", Set.of("$edgeHub"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> registry.ensureModules("d 1", Set.of())).isInstanceOf(IllegalArgumentException.class);
        assertThat(registry.list()).isEmpty();
    }

    @Test
    void hostIdentitiesAreAddedAndRemoved() throws IOException {
        Identities registry = open();
        Identity app = registry.addHost("app");

        assertThat(app.clientIdentity()).isEqualTo(APP);
        assertThat(app.kind()).isEqualTo(Identity.Kind.HOST);
        assertThat(open().find(APP)).as("saved").contains(app);

        assertThat(registry.removeHost("app")).contains(app);
        assertThat(registry.find(APP)).isEmpty();
        assertThat(open().find(APP)).as("saved").isEmpty();
        assertThat(registry.removeHost("app")).as("already gone").isEmpty();
    }

    @Test
    void aHostIdentityNeedsAFreeValidName() throws IOException {
        Identities registry = open();
        registry.ensureModules("d1", Set.of("filter"));
        registry.addHost("app");

        assertThatThrownBy(() -> registry.addHost("filter")).isInstanceOf(IdentityException.class)
                .hasMessageContaining("taken by a module identity");
        assertThatThrownBy(() -> registry.addHost("app")).isInstanceOf(IdentityException.class)
                .hasMessageContaining("taken by a host identity");
        for (String invalid : new String[] {"", "$app", "my app", "a/b", "x".repeat(129), "caf\u00e9"}) {
            assertThatThrownBy(() -> registry.addHost(invalid)).as(invalid).isInstanceOf(IdentityException.class)
                    .hasMessageContaining("not a valid module name");
        }
        assertThat(registry.addHost("Host-1:a.b+c%d_e#f*g?h!(i),j=k@l$m'n").kind()).isEqualTo(Identity.Kind.HOST);
        assertThat(registry.addHost("y".repeat(128)).kind()).isEqualTo(Identity.Kind.HOST);
    }

    @Test
    void modulesAreNotRemovedAsHosts() throws IOException {
        Identities registry = open();
        registry.ensureModules("d1", Set.of("filter"));

        assertThatThrownBy(() -> registry.removeHost("filter")).isInstanceOf(IdentityException.class)
                .hasMessageContaining("module identity");
        assertThat(registry.find(FILTER)).isPresent();
    }

    @Test
    void rotatingGivesANewKeyAndKeepsTheIdentity() throws IOException {
        Identities registry = open();
        registry.ensureModules("d1", Set.of("filter"));
        Identity before = registry.find(FILTER).orElseThrow();

        clock.advance(Duration.ofMinutes(5));
        Identity after = registry.rotate(FILTER);

        assertThat(after.key()).isNotEqualTo(before.key());
        assertThat(after.created()).isEqualTo(before.created());
        assertThat(after.keyCreated()).isEqualTo(clock.instant());
        assertThat(open().find(FILTER)).as("saved").contains(after);
        assertThat(registry.ensureModules("d1", Set.of("filter")).isEmpty()).as("a deployment keeps the new key").isTrue();
        assertThat(registry.find(FILTER)).contains(after);
        assertThatThrownBy(() -> registry.rotate(ClientId.module("d1", "nobody"))).isInstanceOf(IdentityException.class);
    }

    @Test
    void aConnectionStringCarriesTheKey() throws IOException {
        Identities registry = open();
        registry.addHost("app");

        ConnectionString connection = ConnectionString.parse(
                registry.connectionString(APP, "hub.azure-devices.net", "gateway.local").toString());

        assertThat(connection.hostName()).isEqualTo("hub.azure-devices.net");
        assertThat(connection.deviceId()).isEqualTo("d1");
        assertThat(connection.moduleId()).contains("app");
        assertThat(connection.gatewayHostName()).contains("gateway.local");
        assertThat(connection.sharedAccessKey()).isEqualTo(registry.find(APP).orElseThrow().key());
        assertThatThrownBy(() -> registry.connectionString(SENSOR, "hub", "gw")).isInstanceOf(IdentityException.class)
                .hasMessageContaining("d1/sensor");
    }

    @Test
    void aNewDeviceIdTakesEveryIdentityWithItsKey() throws IOException {
        Identities registry = open();
        registry.ensureModules("d1", Set.of("filter"));
        String appKey = registry.addHost("app").key();

        Identities.Changes changes = registry.ensureModules("d2", Set.of("filter"));

        assertThat(changes.removed()).containsExactlyInAnyOrder(DEVICE, FILTER, APP);
        assertThat(changes.added()).containsExactlyInAnyOrder(ClientId.device("d2"),
                ClientId.module("d2", "filter"), ClientId.module("d2", "app"));
        assertThat(registry.find(ClientId.module("d2", "app")).orElseThrow().key()).isEqualTo(appKey);
        assertThat(registry.addHost("other").clientIdentity()).isEqualTo(ClientId.module("d2", "other"));

        Identities reopenedAsD3 = Identities.open(temp.resolve("identities"), "d3", clock);
        assertThat(reopenedAsD3.find(ClientId.module("d3", "app")).orElseThrow().key()).isEqualTo(appKey);
        assertThat(Identities.open(temp.resolve("identities"), "d3", clock).deviceId()).isEqualTo("d3");
    }

    @Test
    void anUnreadableRegistryStopsTheHubWithoutQuotingIt() throws IOException {
        Identities registry = open();
        registry.ensureModules("d1", Set.of("filter"));
        String key = registry.find(FILTER).orElseThrow().key();
        Path file = temp.resolve("identities").resolve("identities.json");
        Files.writeString(file, Files.readString(file).replace("\"kind\"", "\"kind\" \"kind\""), StandardCharsets.UTF_8);

        assertThatThrownBy(this::open).isInstanceOf(IOException.class)
                .hasMessageContaining("identities.json").hasMessageContaining("move it aside")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(key));
    }

    @Test
    void anIdentityPrintsWithoutItsKey() throws IOException {
        Identities registry = open();
        Identity app = registry.addHost("app");

        assertThat(app.toString()).contains("d1/app").doesNotContain(app.key());
    }
}
