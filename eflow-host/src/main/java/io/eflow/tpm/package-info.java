/**
 * TPM passthrough (Set-EflowVmFeature DpsTpm): the host's TPM, read-only, for the guest. A proxy on the host passes
 * the TPM 2.0 commands that only read (capabilities, public areas, PCRs, NV indexes, random bytes) and answers every
 * other command with TPM_RC_COMMAND_CODE, so nothing in the guest can change the host's TPM.
 */
package io.eflow.tpm;
