package io.eflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.eflow.daemon.Eflowd;
import io.eflow.instance.InstanceManager;
import io.eflow.platform.EflowPaths;
import io.eflow.platform.Exec;
import io.eflow.platform.Json;
import io.eflow.tpm.SoftwareTpm;
import io.eflow.tpm.TpmPassthrough;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code eflow tpm-info} (Get-EflowVmTpmProvisioningInfo) through eflowd, started in-process on a software TPM: the
 * endorsement key is the TPM2B_PUBLIC that {@code tpm2_createek} derives on the same TPM, and the registration id is
 * what coreutils compute from it (SHA-256, base32, lowercase, no padding). Runs as root, as eflowd refuses anything else.
 */
@EnabledIf("io.eflow.platform.Privileges#isRoot")
class TpmInfoCommandIT {
    @TempDir
    Path home;
    @TempDir
    Path cwd;
    private SoftwareTpm softwareTpm;
    private Eflowd eflowd;

    private void startDaemon(String hostTpm) {
        EflowPaths paths = EflowPaths.from(Map.of("EFLOW_HOME", home.toString()));
        eflowd = Eflowd.start(paths, new InstanceManager(paths, new TpmPassthrough(hostTpm)));
    }

    @BeforeEach
    void startTpm() throws Exception {
        softwareTpm = SoftwareTpm.start();
    }

    @AfterEach
    void stop() {
        if (eflowd != null) {
            eflowd.close();
        }
        softwareTpm.close();
    }

    private CliRun eflow(String... args) {
        return CliRun.run(home, cwd, true, args);
    }

    @Test
    void showsTheEndorsementKeyAndRegistrationIdDpsTakes() throws Exception {
        startDaemon(softwareTpm.spec());
        CliRun text = eflow("tpm-info");
        CliRun json = eflow("tpm-info", "--json");
        assertThat(text.exitCode()).as(text.err()).isZero();
        assertThat(json.exitCode()).as(json.err()).isZero();

        Exec.Result ek = Exec.of("sh", "-c", "tpm2_createek -c ek.ctx -G rsa -u ek.pub -f tss && tpm2_flushcontext -t"
                + " && sha256sum ek.pub | cut -d' ' -f1 | xxd -r -p | base32 -w0 | tr -d = | tr A-Z a-z").in(cwd)
                .env("TPM2TOOLS_TCTI", softwareTpm.directTcti()).timeoutSeconds(30).run();
        assertThat(ek.exitCode()).as(ek.stderr()).isZero();
        String endorsementKey = Base64.getEncoder().encodeToString(Files.readAllBytes(cwd.resolve("ek.pub")));
        String registrationId = ek.stdout().strip();

        assertThat(text.out()).isEqualTo("Endorsement key: " + endorsementKey + "\nRegistration id: " + registrationId + "\n");
        JsonNode info = Json.MAPPER.readTree(json.outBytes());
        assertThat(info.get("endorsementKey").asText()).isEqualTo(endorsementKey);
        assertThat(info.get("registrationId").asText()).isEqualTo(registrationId);
        assertThat(info.get("tpm").asText()).isEqualTo(softwareTpm.spec());
    }

    @Test
    void aHostWithoutTheTpmSaysSoInOneLine() {
        startDaemon("/nonexistent/tpmrm0");
        CliRun run = eflow("tpm-info");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).containsExactly("eflow: this host has no TPM (/nonexistent/tpmrm0): there is no endorsement key to show");
    }
}
