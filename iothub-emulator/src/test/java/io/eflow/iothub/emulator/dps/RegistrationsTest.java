package io.eflow.iothub.emulator.dps;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eflow.contract.iothub.SasToken;
import io.eflow.contract.json.Mappers;
import io.eflow.iothub.emulator.registry.AuthType;
import io.eflow.iothub.emulator.registry.IdentityRef;
import io.eflow.iothub.emulator.registry.Registry;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The SAS check of a registration, the enrollment it finds, and what an assignment makes in the hub. */
class RegistrationsTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final Enrollments enrollments = Enrollments.inMemory(clock);
    private final Registry registry = Registry.inMemory(clock);
    private final Registrations registrations = new Registrations(enrollments, registry, "hub.local", clock);
    private final String scope = enrollments.idScope();
    private final String key = Registry.newKey();
    private final String groupKey = Registry.newKey();

    RegistrationsTest() {
        ObjectNode twin = Mappers.standard().createObjectNode();
        twin.putObject("tags").put("site", "dock");
        twin.putObject("properties").putObject("desired").put("interval", 7);
        enrollments.put(enrollment(Enrollment.Kind.INDIVIDUAL, "dev-1", new Attestation.SymmetricKey(key, Registry.newKey()),
                true, Optional.of(twin)), Optional.empty());
        enrollments.put(enrollment(Enrollment.Kind.GROUP, "group", new Attestation.SymmetricKey(groupKey, Registry.newKey()),
                true, Optional.empty()), Optional.empty());
        enrollments.put(enrollment(Enrollment.Kind.INDIVIDUAL, "off", new Attestation.SymmetricKey(key, key), false,
                Optional.empty()), Optional.empty());
    }

    @Test
    void anIndividualEnrollmentsKeyAdmitsItsRegistrationAndTheHubGetsTheDeviceWithThatKeyAndTheInitialTwin() {
        Registrations.Attested attested = registrations.attest(scope, "dev-1", token(scope, "dev-1", key, "registration"));
        Operation operation = registrations.register(attested, Optional.empty());

        assertThat(operation.state().assignedHub()).isEqualTo("hub.local");
        assertThat(operation.state().deviceId()).isEqualTo("dev-1");
        assertThat(operation.state().substatus()).isEqualTo("initialAssignment");
        assertThat(registry.device("dev-1").credentials().primaryKey()).contains(key);
        assertThat(registry.device("dev-1").iotEdge()).isTrue();
        assertThat(registry.twin(IdentityRef.device("dev-1")).tags().path("site").asText()).isEqualTo("dock");
        assertThat(registry.twin(IdentityRef.device("dev-1")).desired().path("interval").asInt()).isEqualTo(7);
        assertThat(registrations.operation(attested, operation.operationId())).isEqualTo(operation);
    }

    @Test
    void aGroupAdmitsADeviceByItsDerivedKeyWhichBecomesItsHubKey() {
        String derived = DerivedKeys.derive(groupKey, "member");
        Registrations.Attested attested = registrations.attest(scope, "member", token(scope, "member", derived, "registration"));
        registrations.register(attested, Optional.empty());

        assertThat(attested.enrollment().id()).isEqualTo("group");
        assertThat(registry.device("member").credentials().type()).isEqualTo(AuthType.SAS);
        assertThat(registry.device("member").credentials().primaryKey()).contains(derived);
        assertThat(registry.device("member").iotEdge()).isFalse();
    }

    @Test
    void theGroupKeyItselfAWrongKeyAnotherResourceKeyNameOrScopeAndAnExpiredTokenAreRefused() {
        assertRefused(scope, "member", token(scope, "member", groupKey, "registration"));
        assertRefused(scope, "dev-1", token(scope, "dev-1", Registry.newKey(), "registration"));
        assertRefused(scope, "dev-1", token(scope, "dev-2", key, "registration"));
        assertRefused(scope, "dev-1", token(scope, "dev-1", key, "provisioningserviceowner"));
        assertRefused("0ne00000000", "dev-1", token("0ne00000000", "dev-1", key, "registration"));
        assertRefused(scope, "dev-1", new Proof.Token(SasToken.sign(scope + "/registrations/dev-1", key,
                NOW.minusSeconds(1), Optional.of("registration")).toString()));
        assertRefused(scope, "dev-1", new Proof.Token("not a token"));
        assertRefused(scope, "dev-1", new Proof.Certificates(List.of()));
    }

    @Test
    void aDisabledEnrollmentProvesTheDeviceButRefusesItsRegistration() {
        Registrations.Attested attested = registrations.attest(scope, "off", token(scope, "off", key, "registration"));

        assertThatThrownBy(() -> registrations.register(attested, Optional.empty())).isInstanceOfSatisfying(
                DpsException.class, e -> assertThat(e.errorCode()).isEqualTo(401002));
        assertThat(registry.access(IdentityRef.device("off"))).isEmpty();
    }

    private void assertRefused(String idScope, String registrationId, Proof proof) {
        assertThatThrownBy(() -> registrations.attest(idScope, registrationId, proof)).isInstanceOfSatisfying(
                DpsException.class, e -> {
                    assertThat(e.status()).isEqualTo(401);
                    assertThat(e.errorCode()).isEqualTo(401002);
                });
    }

    private static Proof token(String idScope, String registrationId, String key, String keyName) {
        return new Proof.Token(SasToken.sign(idScope + "/registrations/" + registrationId, key,
                NOW.plus(Duration.ofHours(1)), Optional.of(keyName)).toString());
    }

    private static Enrollment enrollment(Enrollment.Kind kind, String id, Attestation attestation, boolean enabled,
                                         Optional<ObjectNode> twin) {
        return new Enrollment(kind, id, attestation, Optional.empty(), kind == Enrollment.Kind.INDIVIDUAL, twin, enabled,
                1, NOW, NOW);
    }
}
