package io.eflow.it;

import io.eflow.channel.CommandResult;
import io.eflow.instance.model.Feature;
import io.eflow.platform.Exec;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Set-EflowVmFeature DpsTpm on both backends: the guest reads the host's TPM (here swtpm) through eflow's proxy —
 * random bytes, PCRs, an NV index the host's owner wrote — and every attempt to change it is refused with
 * TPM_RC_COMMAND_CODE and leaves the TPM as it was.
 */
@BothBackends
@VmCheck
class TpmPassthroughIT extends SharedGuestTest {
    private static final String TCTI = "export TPM2TOOLS_TCTI='cmd:socat - UNIX-CONNECT:/run/eflow-tpm/tpm.sock'; ";

    private CommandResult tpmTool(String command) {
        return invoke("sh", "-c", TCTI + command);
    }

    @Test
    void theGuestReadsTheHostTpmAndCannotChangeIt() {
        String index = TestHost.NAMESPACE.equals(backend) ? "0x1500020" : "0x1500021";
        assertThat(host.tpm().tool(List.of("tpm2_nvdefine", "-C", "o", "-s", "8", "-a", "ownerread|ownerwrite|authread", index))
                .exitCode()).isZero();
        Exec.Result written = Exec.of("sh", "-c", "printf provisio | tpm2_nvwrite -C o -i - " + index)
                .env("TPM2TOOLS_TCTI", host.tpm().directTcti()).run();
        assertThat(written.exitCode()).as(written.stderr()).isZero();
        var manager = host.manager();
        assertThat(tpmTool("tpm2_getrandom --hex 8").exitCode()).as("no TPM before the feature is on").isNotZero();

        manager.setFeature(guest, Feature.DPS_TPM, true);
        try {
            assertThat(manager.feature(guest, Feature.DPS_TPM).enabled()).isTrue();
            manager.stop(guest);
            manager.start(guest);

            CommandResult random = tpmTool("tpm2_getrandom --hex 16");
            assertThat(random.exitCode()).as(random.stderrText()).isZero();
            assertThat(random.stdoutText().strip()).matches("[0-9a-f]{32}");
            assertThat(tpmTool("tpm2_pcrread sha256:0").stdoutText()).contains("sha256");
            assertThat(tpmTool("tpm2_nvread -C " + index + " -s 8 " + index).stdoutText()).isEqualTo("provisio");

            for (String attack : List.of("printf 12345678 | tpm2_nvwrite -C o -i - " + index, "tpm2_nvundefine -C o " + index,
                    "tpm2_clear -c p", "tpm2_changeauth -c o newpass")) {
                CommandResult refused = tpmTool(attack);
                assertThat(refused.exitCode()).as(attack).isNotZero();
                assertThat(refused.stderrText()).as(attack).contains("0x143");
            }
            Exec.Result direct = host.tpm().tool(List.of("tpm2_nvread", "-C", index, "-s", "8", index));
            assertThat(direct.stdout()).as("the index, read directly on the host").isEqualTo("provisio");
        } finally {
            manager.setFeature(guest, Feature.DPS_TPM, false);
            manager.stop(guest);
            manager.start(guest);
        }
        assertThat(tpmTool("tpm2_getrandom --hex 8").exitCode()).as("no TPM once the feature is off").isNotZero();
    }
}
