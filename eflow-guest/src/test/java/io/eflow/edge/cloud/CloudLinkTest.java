package io.eflow.edge.cloud;

import io.eflow.contract.iothub.SigningKey;
import io.eflow.contract.wire.Failure;
import io.eflow.contract.wire.ProvisioningState;
import io.eflow.contract.wire.ProvisioningType;
import io.eflow.contract.wire.RequestException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Provisioning is a transaction: tried against the hub, then saved; a refusal leaves the previous one whole. */
class CloudLinkTest {
    private static final String KEY = "c2VjcmV0LWtleS1vZi1lZGdlMQ==";
    private static final String GOOD = "HostName=hub.example;DeviceId=edge1;SharedAccessKey=" + KEY;
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-06T07:00:00Z"), ZoneOffset.UTC);
    private static final ProvisioningType MANUAL = ProvisioningType.MANUAL_CONNECTION_STRING;

    @TempDir
    Path dir;
    /** What the hub says to each check, by device id; absent ones are accepted. */
    private final List<String> checked = new ArrayList<>();
    private CloudException answer;
    /** DPS as the DPS tests script it: each registration takes the next answer. */
    private final Deque<Object> dps = new ConcurrentLinkedDeque<>();
    private final CloudLink.Registrar registrar = new CloudLink.Registrar() {
        @Override
        public CloudLink.Registered register(Provisioning provisioning) {
            Object next = dps.isEmpty() ? CloudException.unreachable("cannot reach DPS at dps.example: connection refused") : dps.poll();
            if (next instanceof CloudException e) {
                throw e;
            }
            return new CloudLink.Registered((DpsClient.Assignment) next, Optional.of(Provisionings.key(KEY)));
        }

        @Override
        public Optional<SigningKey> keptKey(Provisioning provisioning) {
            return Optional.of(Provisionings.key(KEY));
        }

        @Override
        public void forget(Provisioning provisioning) {
        }
    };

    private CloudLink link() {
        return new CloudLink(dir, identity -> () -> {
            checked.add(identity.deviceId());
            if (answer != null) {
                throw answer;
            }
        }, registrar, new CloudLink.Backoff(Duration.ofMillis(50), Duration.ofMillis(200)), CLOCK);
    }

    @Test
    void anAcceptedProvisioningIsSavedOwnerOnlyAndShownWithoutItsKey() throws IOException {
        CloudLink link = link();
        ProvisioningState state = link.provision(Provisionings.manual(GOOD, null));
        assertThat(state).isEqualTo(new ProvisioningState(MANUAL, "hub.example", "edge1", ProvisioningState.Link.CONNECTED,
                null, CLOCK.instant()));
        Path file = dir.resolve("provisioning.json");
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(state.toString()).doesNotContain(KEY);
        assertThat(link.current().orElseThrow().toString()).doesNotContain(KEY);

        CloudLink restarted = link();
        restarted.start();
        assertThat(restarted.state().state()).isEqualTo(ProvisioningState.Link.CONNECTED);
        assertThat(checked).containsExactly("edge1", "edge1");
    }

    @Test
    void aRefusedProvisioningLeavesThePreviousOneAsItWas() throws IOException {
        CloudLink link = link();
        link.provision(Provisionings.manual(GOOD, null));
        byte[] saved = Files.readAllBytes(dir.resolve("provisioning.json"));
        ProvisioningState before = link.state();

        answer = CloudException.refused("IoT Hub at hub.example refused to read module '$edgeAgent' of device 'edge2': not authorized");
        assertThatThrownBy(() -> link.provision(Provisionings.manual(GOOD.replace("edge1", "edge2"), null)))
                .isInstanceOfSatisfying(RequestException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Failure.Kind.UPSTREAM);
                    assertThat(e.getMessage()).contains("not authorized").contains("previous provisioning is kept")
                            .doesNotContain(KEY);
                });
        answer = CloudException.unreachable("cannot reach IoT Hub at nowhere.example:443");
        assertThatThrownBy(() -> link.provision(Provisionings.manual(GOOD.replace("hub.example", "nowhere.example"), null)))
                .isInstanceOf(RequestException.class).hasMessageContaining("cannot reach");

        assertThat(Files.readAllBytes(dir.resolve("provisioning.json"))).isEqualTo(saved);
        assertThat(link.state()).isEqualTo(before);
        assertThat(link.current().orElseThrow().deviceId()).isEqualTo("edge1");
        assertThat(dir.toFile().list()).containsExactly("provisioning.json");
    }

    @Test
    void malformedInputIsRefusedBeforeTheHubIsAskedWithoutQuotingTheKey() {
        for (String bad : List.of("", "HostName=hub.example;DeviceId=edge1", "DeviceId=edge1;SharedAccessKey=" + KEY,
                "HostName=hub.example;DeviceId=edge1;ModuleId=m;SharedAccessKey=" + KEY,
                "HostName=hub example/x;DeviceId=edge1;SharedAccessKey=" + KEY, "garbage")) {
            assertThatThrownBy(() -> Provisionings.manual(bad, null)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(KEY).doesNotContain("\n"));
        }
        assertThatThrownBy(() -> Provisionings.manual(GOOD, "not a certificate"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trust bundle");
        assertThatThrownBy(() -> ProvisioningType.of("dps-tpm-2"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("manual-connection-string");
        assertThat(checked).isEmpty();
    }

    @Test
    void aSavedProvisioningTheHubNowRefusesIsReportedRefusedWithItsReason() throws IOException {
        link().provision(Provisionings.manual(GOOD, null));
        answer = CloudException.refused("IoT Hub at hub.example refused to read module '$edgeAgent' of device 'edge1': not authorized");
        CloudLink restarted = link();
        restarted.start();
        assertThat(restarted.state().state()).isEqualTo(ProvisioningState.Link.REFUSED);
        assertThat(restarted.state().lastError()).contains("not authorized");

        answer = CloudException.unreachable("cannot reach IoT Hub at hub.example:443");
        CloudLink offline = link();
        offline.start();
        assertThat(offline.state().state()).isEqualTo(ProvisioningState.Link.OFFLINE);
    }

    @Test
    void removeForgetsTheKeyAndLeavesNothingBehind() throws IOException {
        CloudLink link = link();
        link.provision(Provisionings.manual(GOOD, null));
        assertThat(link.remove()).isEqualTo(ProvisioningState.notProvisioned());
        assertThat(dir.toFile().list()).isEmpty();
        assertThat(link.remove().provisioned()).isFalse(); // removing nothing is no error
        CloudLink restarted = link();
        restarted.start();
        assertThat(restarted.state().provisioned()).isFalse();
    }
}
