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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The proxy in front of a real (software) TPM, driven and attacked with Debian's tpm2-tools and with raw frames: reads
 * and the DPS TPM attestation flow pass (EK, SRK, the EK's policy, ActivateCredential, Import, Load, HMAC, EvictControl
 * within eflow's persistent handles), and every command that would change the host's TPM is answered
 * TPM_RC_COMMAND_CODE without reaching it: the TPM's persistent handles, NV indexes, hierarchy settings and PCRs read
 * the same, directly, before and after.
 */
class TpmProxyIT {
    private static final String NV_INDEX = "0x1500016";
    /** A persistent object of the host's owner, outside eflow's range. */
    private static final String HOST_PERSISTENT = "0x81000001";
    /** The host's own HMAC key, where the SDKs keep a device key: the guest must not sign with it. */
    private static final String HOST_HMAC_KEY = "0x81000100";
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
        // and keeps a primary key of its own at the SRK's usual handle, and an HMAC key where the SDKs keep a device key
        Exec.Result persist = Exec.of("sh", "-c", "tpm2_createprimary -Q -C o -c " + dir.resolve("host.ctx") + " && tpm2_evictcontrol -Q -C o -c "
                + dir.resolve("host.ctx") + " " + HOST_PERSISTENT + " && tpm2_flushcontext -t && tpm2_createprimary -Q -C o -G hmac -a 'fixedtpm|fixedparent|sensitivedataorigin|userwithauth|sign' -c "
                + dir.resolve("hmac.ctx") + " && tpm2_evictcontrol -Q -C o -c " + dir.resolve("hmac.ctx") + " " + HOST_HMAC_KEY
                + " && tpm2_flushcontext -t").env("TPM2TOOLS_TCTI", softwareTpm.directTcti()).run();
        assertThat(persist.exitCode()).as(persist.stderr()).isZero();
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

    /** Runs {@code command} through the proxy in {@code dir}, requires it to succeed, and unloads what it left loaded. */
    private static String passes(Path dir, String command) {
        Exec.Result result = Exec.of("sh", "-c", command).in(dir).env("TPM2TOOLS_TCTI", tcti).timeoutSeconds(30).run();
        assertThat(result.exitCode()).as(command + ": " + result.stderr()).isZero();
        unloadTransients();
        return result.stdout();
    }

    /** Runs {@code command} through the proxy in {@code dir} and requires the proxy to have refused it. */
    private static void refused(Path dir, String command) {
        Exec.Result result = Exec.of("sh", "-c", command).in(dir).env("TPM2TOOLS_TCTI", tcti).timeoutSeconds(30).run();
        assertThat(result.exitCode()).as(command).isNotZero();
        // TPM_RC_COMMAND_CODE, as tpm2-tools or ESAPI print it
        assertThat(result.stderr()).as(command).containsPattern("0x(00000)?143\\b");
        unloadTransients();
    }

    /** swtpm has no resource manager: what one tool run loads stays loaded (three objects fill it) until flushed. */
    private static void unloadTransients() {
        Exec.Result flush = throughProxy("tpm2_flushcontext -t");
        assertThat(flush.exitCode()).as(flush.stderr()).isZero();
    }

    /**
     * What the host's owner sees of the TPM's state, read directly: persistent handles, NV indexes, the variable
     * properties (ownerAuthSet and the other hierarchy flags, phEnable/shEnable/ehEnable, the lockout counter, counts of
     * handles) and every PCR bank.
     */
    private static Map<String, String> hostView() {
        Exec.Result flush = Exec.of("sh", "-c", "tpm2_flushcontext -t && tpm2_flushcontext -l && tpm2_flushcontext -s")
                .env("TPM2TOOLS_TCTI", softwareTpm.directTcti()).run();
        assertThat(flush.exitCode()).as(flush.stderr()).isZero();
        Map<String, String> view = new LinkedHashMap<>();
        for (List<String> read : List.of(List.of("tpm2_getcap", "handles-persistent"), List.of("tpm2_getcap", "handles-nv-index"),
                List.of("tpm2_getcap", "properties-variable"), List.of("tpm2_pcrread"))) {
            Exec.Result result = softwareTpm.tool(read);
            assertThat(result.exitCode()).as(read + ": " + result.stderr()).isZero();
            view.put(String.join(" ", read), result.stdout());
        }
        return view;
    }

    private static List<String> persistentHandles() {
        return hostView().get("tpm2_getcap handles-persistent").lines().map(line -> line.replaceFirst("^- ", "").strip()).toList();
    }

    @Test
    void theDpsAttestationFlowPassesAndTheAttacksLeaveTheHostsTpmAsItWas(@TempDir Path dir) throws Exception {
        Map<String, String> before = hostView();
        assertThat(before.get("tpm2_getcap properties-variable")).contains("ownerAuthSet").contains("shEnable");

        // the EK and the SRK, derived from their hierarchies' seeds
        passes(dir, "tpm2_createek -c ek.ctx -G rsa -u ek.pub");
        passes(dir, "tpm2_createprimary -C o -c srk.ctx");
        passes(dir, "tpm2_readpublic -c srk.ctx -n srk.name -o srk.pub");
        // DPS's challenge: a credential made for the EK and the SRK's name, released by ActivateCredential under the
        // EK's policy (a policy session satisfied with PolicySecret of the endorsement hierarchy)
        Files.write(dir.resolve("secret"), "eflow-dps-nonce!".getBytes(StandardCharsets.US_ASCII));
        Exec.Result make = Exec.of("sh", "-c", "tpm2_makecredential -T none -u ek.pub -s secret -n \"$(xxd -p -c 256 srk.name)\" -o cred")
                .in(dir).run();
        assertThat(make.exitCode()).as(make.stderr()).isZero();
        passes(dir, "tpm2_startauthsession --policy-session -S session.ctx");
        assertThat(passes(dir, "tpm2_policysecret -S session.ctx -c e")).matches("(?s)[0-9a-f]{64}\\s*");
        passes(dir, "tpm2_activatecredential -c srk.ctx -C ek.ctx -i cred -o released -P session:session.ctx");
        passes(dir, "tpm2_flushcontext session.ctx");
        assertThat(Files.readString(dir.resolve("released"))).isEqualTo("eflow-dps-nonce!");
        // the device key, wrapped for the SRK by tpm2-tools (TPM2_Import), loaded, and signing as HMAC-SHA256
        Files.write(dir.resolve("hmac.key"), "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
        passes(dir, "tpm2_import -C srk.ctx -G hmac -i hmac.key -u key.pub -r key.priv");
        passes(dir, "tpm2_load -C srk.ctx -u key.pub -r key.priv -c key.ctx");
        String expected = hmacSha256("0123456789abcdef0123456789abcdef", "sr=eflow-test&se=1");
        assertThat(passes(dir, "printf 'sr=eflow-test&se=1' | tpm2_hmac -c key.ctx --hex").strip()).isEqualTo(expected);
        // persisted at eflow's handles (the key, the SRK), used there, and evicted again; nowhere else
        passes(dir, "tpm2_evictcontrol -C o -c key.ctx 0x81000E00");
        passes(dir, "tpm2_evictcontrol -C o -c srk.ctx 0x81000E01");
        assertThat(passes(dir, "printf 'sr=eflow-test&se=1' | tpm2_hmac -c 0x81000E00 --hex").strip()).isEqualTo(expected);
        passes(dir, "tpm2_readpublic -c 0x81000E01");
        assertThat(persistentHandles()).contains("0x81000E00", "0x81000E01");
        refused(dir, "tpm2_evictcontrol -C o -c srk.ctx 0x81000002");
        refused(dir, "tpm2_evictcontrol -C p -c srk.ctx 0x81800002");
        // what DPS attestation does not need: keys the guest makes itself
        refused(dir, "tpm2_create -C srk.ctx -G hmac -u made.pub -r made.priv");
        refused(dir, "tpm2_loadexternal -C n -G hmac -r hmac.key -c external.ctx");
        refused(dir, "tpm2_createprimary -C p -c platform.ctx");
        refused(dir, "tpm2_createprimary -C n -c null.ctx");

        // the attacks: everything that would change the host's TPM
        for (String attack : List.of(
                "tpm2_clear -c p",
                "tpm2_clear -c l",
                "tpm2_clearcontrol -C l s",
                "tpm2_changeauth -c o owner-password",
                "tpm2_changeauth -c e endorsement-password",
                "tpm2_changeauth -c l lockout-password",
                "tpm2_hierarchycontrol -C p shEnable clear",
                "tpm2_hierarchycontrol -C o shEnable clear",
                "tpm2_setprimarypolicy -C o -L srk.name -g sha256",
                "tpm2_nvdefine -C o -s 8 0x1500017",
                "printf 87654321 | tpm2_nvwrite -C o -i - " + NV_INDEX,
                "tpm2_nvundefine -C o " + NV_INDEX,
                "tpm2_nvincrement -C o " + NV_INDEX,
                "tpm2_nvwritelock -C o " + NV_INDEX,
                "tpm2_nvreadlock -C o " + NV_INDEX,
                "tpm2_pcrextend 16:sha256=" + "ab".repeat(32),
                "tpm2_pcrevent 16 secret",
                "tpm2_pcrreset 16",
                "tpm2_evictcontrol -C o -c srk.ctx 0x81000001",
                "tpm2_evictcontrol -C o -c " + HOST_PERSISTENT,
                "tpm2_evictcontrol -C o -c " + HOST_PERSISTENT + " 0x81000E02",
                "printf 'sr=host' | tpm2_hmac -c " + HOST_HMAC_KEY + " --hex",
                "tpm2_dictionarylockout -c",
                "tpm2_dictionarylockout -s -n 1 -t 1 -l 1",
                "tpm2_shutdown",
                "tpm2_startup -c")) {
            refused(dir, attack);
        }

        // the host sees its TPM as it was, apart from eflow's persistent handles; once those are evicted, exactly
        Map<String, String> during = hostView();
        assertThat(during.get("tpm2_getcap handles-nv-index")).isEqualTo(before.get("tpm2_getcap handles-nv-index"));
        assertThat(during.get("tpm2_pcrread")).isEqualTo(before.get("tpm2_pcrread"));
        assertThat(persistentHandles()).filteredOn(handle -> !handle.startsWith("0x81000E")).containsExactly(HOST_PERSISTENT, HOST_HMAC_KEY);
        passes(dir, "tpm2_evictcontrol -C o -c 0x81000E00");
        passes(dir, "tpm2_evictcontrol -C o -c 0x81000E01");
        assertThat(hostView()).isEqualTo(before);
        Exec.Result nv = softwareTpm.tool(List.of("tpm2_nvread", "-C", NV_INDEX, "-s", "8", NV_INDEX));
        assertThat(nv.stdout()).as("the NV index, read directly").isEqualTo("12345678");
    }

    private static String hmacSha256(String key, String data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(data.getBytes(StandardCharsets.US_ASCII)));
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
