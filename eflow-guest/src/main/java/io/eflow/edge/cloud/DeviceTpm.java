package io.eflow.edge.cloud;

import io.eflow.contract.iothub.SigningKey;

import java.util.Optional;

/**
 * The device's TPM as DPS TPM provisioning uses it: the challenge of a registration, the key DPS had it import (which
 * stays in the TPM under eflow's persistent handle, across guest restarts), and removing that key.
 */
public interface DeviceTpm extends DpsClient.TpmChallenge {
    /** The registration id DPS derives from the endorsement key, what {@code eflow tpm-info} shows. */
    String registrationId();

    /** The imported key, when the TPM holds one. */
    Optional<SigningKey> importedKey();

    /** Evicts the imported key; nothing when there is none. */
    void removeKey();
}
