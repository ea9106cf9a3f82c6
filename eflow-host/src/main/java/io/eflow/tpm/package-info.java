/**
 * TPM passthrough (Set-EflowVmFeature DpsTpm): the host's TPM for the guest, as much of it as DPS TPM attestation
 * and IoT Edge need, nothing that changes anyone else's state. A proxy on the host passes the TPM 2.0 commands
 * {@link io.eflow.tpm.AdmittedCommand} lists (reads; sessions; the EK and SRK derived from their hierarchies' seeds;
 * the EK's policy; ActivateCredential, Import, Load and HMAC for the device key; EvictControl within eflow's own
 * persistent handles) and answers every other command with TPM_RC_COMMAND_CODE. {@link io.eflow.tpm.EndorsementKey}
 * is the EK as DPS enrollments take it.
 */
package io.eflow.tpm;
