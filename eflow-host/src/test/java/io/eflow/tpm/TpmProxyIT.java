package io.eflow.tpm;

import io.eflow.platform.Exec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The read-only proxy in front of a real (software) TPM, attacked with Debian's tpm2-tools and with raw frames:
 * reads pass, and every command that would change the TPM is answered TPM_RC_COMMAND_CODE without reaching it.
 */
class TpmProxyIT {
    private static final String NV_INDEX = "0x1500016";
    private static SoftwareTpm softwareTpm;
    private static TpmProxy proxy;
    private static String tcti;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        softwareTpm = SoftwareTpm.start();
        // the owner puts a secret-free NV index on the host TPM, as a provisioning step would
        assertThat(softwareTpm.tool(List.of("tpm2_nvdefine", "-C", "o", "-s", "8", "-a", "ownerread|ownerwrite|authread", NV_INDEX))
                .exitCode()).isZero();
        Exec.Result write = Exec.of("sh", "-c", "printf 12345678 | tpm2_nvwrite -C o -i - " + NV_INDEX)
                .env("TPM2TOOLS_TCTI", softwareTpm.directTcti()).run();
        assertThat(write.exitCode()).as(write.stderr()).isZero();
        Path socket = dir.resolve("tpm.sock");
        proxy = TpmProxy.listening("test", softwareTpm.spec(), socket);
        tcti = "cmd:socat - UNIX-CONNECT:" + socket;
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (softwareTpm != null) {
            softwareTpm.close();
        }
    }

    private static Exec.Result throughProxy(String command) {
        return Exec.of("sh", "-c", command).env("TPM2TOOLS_TCTI", tcti).timeoutSeconds(30).run();
    }

    @Test
    void readsPass() {
        Exec.Result random = throughProxy("tpm2_getrandom --hex 16");
        assertThat(random.exitCode()).as(random.stderr()).isZero();
        assertThat(random.stdout().strip()).matches("[0-9a-f]{32}");
        assertThat(throughProxy("tpm2_pcrread sha256:0").stdout()).contains("sha256");
        Exec.Result nv = throughProxy("tpm2_nvread -C " + NV_INDEX + " -s 8 " + NV_INDEX);
        assertThat(nv.exitCode()).as(nv.stderr()).isZero();
        assertThat(nv.stdout()).isEqualTo("12345678");
    }

    @Test
    void writesAreRefusedAndNeverReachTheTpm() {
        for (String attack : List.of(
                "printf 87654321 | tpm2_nvwrite -C o -i - " + NV_INDEX,
                "tpm2_nvundefine -C o " + NV_INDEX,
                "tpm2_nvdefine -C o -s 8 0x1500017",
                "tpm2_clear -c p",
                "tpm2_pcrextend 16:sha256=" + "ab".repeat(32),
                "tpm2_createprimary -C o -c /tmp/eflow-primary.ctx")) {
            Exec.Result result = throughProxy(attack);
            assertThat(result.exitCode()).as(attack).isNotZero();
            assertThat(result.stderr()).as(attack).contains("0x143");
        }
        Exec.Result nv = softwareTpm.tool(List.of("tpm2_nvread", "-C", NV_INDEX, "-s", "8", NV_INDEX));
        assertThat(nv.stdout()).as("the NV index, read directly").isEqualTo("12345678");
        assertThat(softwareTpm.tool(List.of("tpm2_nvreadpublic", "0x1500017")).exitCode()).as("no index was defined").isNotZero();
    }

    @Test
    void aRawWriteFrameGetsTheCommandCodeErrorAndNothingElse() throws Exception {
        try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            client.connect(UnixDomainSocketAddress.of(Path.of(tcti.substring(tcti.indexOf("UNIX-CONNECT:") + 13))));
            // TPM2_Clear (0x126) with no parameters: a header only
            ByteBuffer clear = ByteBuffer.allocate(10).putShort((short) 0x8001).putInt(10).putInt(0x126).flip();
            client.write(clear);
            byte[] response = TpmFrames.read(client);
            assertThat(response).isEqualTo(TpmFrames.refusal());
            assertThat(ByteBuffer.wrap(response).getInt(6)).isEqualTo(0x143);
        }
    }
}
