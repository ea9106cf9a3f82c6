package io.eflow.daemon.api;

/**
 * Get-EflowVmTpmProvisioningInfo's answer: the host TPM's endorsement key as a DPS TPM enrollment takes it (base64 of
 * its TPM2B_PUBLIC) and the registration id the device SDKs derive from it; {@code tpm} is the TPM they were read from.
 */
public record TpmProvisioningInfo(String endorsementKey, String registrationId, String tpm) {
}
