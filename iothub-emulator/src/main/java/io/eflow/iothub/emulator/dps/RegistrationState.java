package io.eflow.iothub.emulator.dps;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.Optional;

/**
 * Where a registration was assigned, as DPS reports it in an operation's {@code registrationState}.
 *
 * @param substatus {@code initialAssignment} for a device the hub did not have, {@code deviceDataMigrated} for one it
 *                  kept (its twin and keys carried over, as DPS's default reprovisioning policy does)
 * @param payload   the custom payload the device sent, echoed as DPS does without a custom allocation function
 * @param tpmAuthenticationKey for a TPM device, its hub key wrapped for its TPM, as {@code tpm.authenticationKey}
 */
public record RegistrationState(String registrationId, String assignedHub, String deviceId, String status,
                                String substatus, Instant created, Instant updated, String etag,
                                Optional<JsonNode> payload, Optional<String> tpmAuthenticationKey) {
}
