package io.eflow.iothub.emulator;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.eflow.iothub.emulator.registry.DeviceSpec;
import io.eflow.iothub.emulator.registry.IdentityRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** What a restart on the same state folder keeps: the policy key, the CA, identities with their keys, twins. */
class RestartTest {
    @TempDir
    Path state;

    @Test
    void aRestartedEmulatorKeepsItsKeysItsCaItsIdentitiesAndTheirTwins() throws Exception {
        String connectionString;
        String ca;
        String deviceKey;
        try (IotHubEmulator first = IotHubEmulator.start(new EmulatorOptions("localhost", "127.0.0.1", 0, 0, state))) {
            connectionString = first.serviceConnectionString();
            ca = Files.readString(first.caCertificate());
            deviceKey = first.registry().putDevice(new DeviceSpec("d1", Optional.empty(), Optional.empty(), Optional.of(true),
                    Optional.empty()), Optional.empty()).credentials().primaryKey().orElseThrow();
            first.registry().patchTwin(IdentityRef.module("d1", "$edgeAgent"), Optional.empty(),
                    Optional.of(JsonNodeFactory.instance.objectNode().put("schemaVersion", "1.1")), Optional.empty());
        }

        try (IotHubEmulator second = IotHubEmulator.start(new EmulatorOptions("localhost", "127.0.0.1", 0, 0, state))) {
            assertThat(second.serviceConnectionString()).isEqualTo(connectionString);
            assertThat(Files.readString(second.caCertificate())).isEqualTo(ca);
            assertThat(second.registry().device("d1").credentials().primaryKey()).contains(deviceKey);
            assertThat(second.registry().twin(IdentityRef.module("d1", "$edgeAgent")).desired().path("schemaVersion").asText())
                    .isEqualTo("1.1");
        }
    }
}
