package io.eflow.edge.cloud;

import io.eflow.contract.iothub.SigningKey;
import io.eflow.contract.wire.ProvisioningSpec;

import java.time.Instant;

/** Provisionings and identities as the tests make them. */
final class Provisionings {
    private Provisionings() {
    }

    /** A manual-connection-string provisioning, checked as the guest checks what the user gives. */
    static Provisioning manual(String connectionString, String trustBundle) {
        return Provisioning.of(ProvisioningSpec.connectionString(connectionString, trustBundle), Instant.now());
    }

    /** The identity a connection string names. */
    static CloudIdentity identity(String connectionString, String trustBundle) {
        return manual(connectionString, trustBundle).manualIdentity(() -> {
            throw new AssertionError("a key device needs no module secret");
        }).orElseThrow();
    }

    static SigningKey key(String base64) {
        return SigningKey.base64(base64);
    }
}
