/**
 * DPS TPM attestation on the device ({@link io.eflow.edge.cloud.tpm.TpmAttestation}): the TPM's public keys and
 * registration id for DPS, its challenge taken into the TPM, and the key persisted there as the device's
 * {@link io.eflow.contract.iothub.SigningKey}, all through Debian's tpm2-tools and a TCTI (the host's TPM through
 * eflow's proxy, in the guest).
 */
package io.eflow.edge.cloud.tpm;
