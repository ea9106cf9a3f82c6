package io.eflow.cli;

import io.eflow.platform.EflowException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * Optional guest features (Set-/Get-EflowVmFeature). dm-verity and dps-tpm are off by default as in the seeds, and a
 * change takes effect at the next start; time-sync is on by default and takes effect at once: the daemon sets a VM
 * guest's clock to the host's when it strays by more than a second (io.eflow.instance.GuestClock). {@code dm-verity}: a root slot that does not match its signed root hash never runs (the host checks
 * the whole slot before every start; on qemu the guest kernel also checks every block it reads). {@code dps-tpm}:
 * the host's TPM at /run/eflow-tpm/tpm.sock in the guest, as much of it as DPS TPM attestation needs (see
 * io.eflow.tpm.AdmittedCommand); {@code eflow tpm-info} shows its endorsement key and registration id.
 */
@Command(name = "feature", description = "Get or set an optional guest feature (dm-verity, dps-tpm, time-sync).",
        subcommands = {FeatureCommand.Get.class, FeatureCommand.Set.class})
final class FeatureCommand extends CommandGroup {
    @Command(name = "get", description = "Show whether a feature is on: eflow feature get dm-verity")
    static final class Get extends EflowCommand implements Runnable {
        @Parameters(index = "0", paramLabel = "FEATURE", description = "dm-verity, dps-tpm or time-sync")
        String feature;

        @Mixin
        NameOption name;

        @Mixin
        JsonOption json;

        @Override
        public void run() {
            print(json, client().feature(name.instance(), feature), TextRenderer::keyValues);
        }
    }

    @Command(name = "set", description = "Turn a feature on or off (dm-verity and dps-tpm from the next start): eflow feature set dm-verity on")
    static final class Set extends EflowCommand implements Runnable {
        @Parameters(index = "0", paramLabel = "FEATURE", description = "dm-verity, dps-tpm or time-sync")
        String feature;

        @Parameters(index = "1", paramLabel = "on|off")
        String state;

        @Mixin
        NameOption name;

        @Mixin
        JsonOption json;

        @Override
        public void run() {
            boolean on = switch (state) {
                case "on", "true", "enable" -> true;
                case "off", "false", "disable" -> false;
                default -> throw new EflowException("feature state must be on or off, not '" + state + "'");
            };
            print(json, client().setFeature(name.instance(), feature, on), TextRenderer::keyValues);
        }
    }
}
