package io.eflow.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Get-EflowVmTpmProvisioningInfo: what a DPS individual enrollment with TPM attestation needs of the host's TPM, the
 * one guests with dps-tpm on reach. Read by eflowd from the TPM itself.
 */
@Command(name = "tpm-info", description = "Show the host TPM's endorsement key and registration id for a DPS TPM enrollment (Get-EflowVmTpmProvisioningInfo).")
final class TpmInfoCommand extends EflowCommand implements Runnable {
    @Mixin
    JsonOption json;

    @Override
    public void run() {
        print(json, client().tpmInfo(), info -> "Endorsement key: " + info.endorsementKey() + "\nRegistration id: " + info.registrationId());
    }
}
