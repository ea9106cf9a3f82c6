package io.eflow.tpm;

import io.eflow.platform.EflowException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TpmFramesTest {
    private static byte[] command(int code, int size) {
        return ByteBuffer.allocate(size).putShort((short) 0x8001).putInt(size).putInt(code).array();
    }

    /** A command with sessions: the handles, an authorization area of one password session, the parameters. */
    private static byte[] withSessions(int code, int[] handles, int... parameters) {
        byte[] session = ByteBuffer.allocate(9).putInt(0x40000009).putShort((short) 0).put((byte) 0).putShort((short) 0).array();
        int size = 10 + 4 * handles.length + 4 + session.length + 4 * parameters.length;
        ByteBuffer frame = ByteBuffer.allocate(size).putShort((short) 0x8002).putInt(size).putInt(code);
        for (int handle : handles) {
            frame.putInt(handle);
        }
        frame.putInt(session.length).put(session);
        for (int parameter : parameters) {
            frame.putInt(parameter);
        }
        return frame.array();
    }

    private static byte[] evictControl(int auth, int object, int persistent) {
        return withSessions(0x120, new int[] {auth, object}, persistent);
    }

    /** Every command the policy admits without a check on its handles, by name and code. */
    static final Map<String, Integer> ADMITTED = Map.ofEntries(
            Map.entry("GetCapability", 0x17A), Map.entry("ReadPublic", 0x173), Map.entry("PCR_Read", 0x17E),
            Map.entry("NV_ReadPublic", 0x169), Map.entry("NV_Read", 0x14E), Map.entry("GetRandom", 0x17B),
            Map.entry("ReadClock", 0x181), Map.entry("GetTestResult", 0x17C), Map.entry("TestParms", 0x18A),
            Map.entry("StartAuthSession", 0x176), Map.entry("FlushContext", 0x165), Map.entry("PolicyCommandCode", 0x16C),
            Map.entry("PolicyGetDigest", 0x189), Map.entry("ActivateCredential", 0x147), Map.entry("Import", 0x156),
            Map.entry("Load", 0x157), Map.entry("ContextSave", 0x162), Map.entry("ContextLoad", 0x161), Map.entry("SequenceUpdate", 0x15C), Map.entry("SequenceComplete", 0x13E));

    /** Commands that change the host's TPM (or are not needed) and must never pass, by name and code. */
    static final Map<String, Integer> REFUSED = Map.ofEntries(
            Map.entry("Clear", 0x126), Map.entry("ClearControl", 0x127), Map.entry("ObjectChangeAuth", 0x150),
            Map.entry("NV_ChangeAuth", 0x13B), Map.entry("HierarchyChangeAuth", 0x129), Map.entry("HierarchyControl", 0x121),
            Map.entry("SetPrimaryPolicy", 0x12E), Map.entry("NV_DefineSpace", 0x12A), Map.entry("NV_UndefineSpace", 0x122),
            Map.entry("NV_UndefineSpaceSpecial", 0x11F), Map.entry("NV_Write", 0x137), Map.entry("NV_Increment", 0x134),
            Map.entry("NV_Extend", 0x136), Map.entry("NV_SetBits", 0x135), Map.entry("NV_WriteLock", 0x138),
            Map.entry("NV_GlobalWriteLock", 0x132), Map.entry("NV_ReadLock", 0x14F), Map.entry("PCR_Extend", 0x182),
            Map.entry("PCR_Event", 0x13C), Map.entry("PCR_Reset", 0x13D), Map.entry("PCR_Allocate", 0x12B),
            Map.entry("Create", 0x153), Map.entry("CreateLoaded", 0x191), Map.entry("LoadExternal", 0x167),
            Map.entry("Shutdown", 0x145), Map.entry("Startup", 0x144), Map.entry("DictionaryAttackLockReset", 0x139),
            Map.entry("DictionaryAttackParameters", 0x13A), Map.entry("ChangeEPS", 0x124), Map.entry("ChangePPS", 0x125),
            Map.entry("ClockSet", 0x128), Map.entry("SetCommandCodeAuditStatus", 0x140), Map.entry("FieldUpgradeStart", 0x12F));

    @Test
    void everyAdmittedCommandPasses() {
        ADMITTED.forEach((name, code) -> {
            assertThat(TpmFrames.admitted(command(code, 10))).as(name + " without sessions").isTrue();
            assertThat(TpmFrames.admitted(withSessions(code, new int[] {0x80000001}))).as(name + " with sessions").isTrue();
        });
        assertThat(TpmFrames.admitted(withSessions(0x131, new int[] {0x40000001}))).as("CreatePrimary of the SRK").isTrue();
        assertThat(TpmFrames.admitted(withSessions(0x131, new int[] {0x4000000B}))).as("CreatePrimary of the EK").isTrue();
        assertThat(TpmFrames.admitted(withSessions(0x151, new int[] {0x4000000B, 0x03000000}))).as("PolicySecret(endorsement)").isTrue();
        // the table is exactly the commands above: no command slips in unlisted
        assertThat(Arrays.stream(AdmittedCommand.values()).map(admitted -> admitted.code))
                .containsExactlyInAnyOrderElementsOf(Stream.concat(ADMITTED.values().stream(), Stream.of(0x131, 0x151, 0x155, 0x15B, 0x120)).toList());
        assertThat(AdmittedCommand.values()).allSatisfy(admitted -> assertThat(admitted.reason).isNotBlank());
    }

    @Test
    void everyCommandThatChangesTheTpmIsRefused() {
        REFUSED.forEach((name, code) -> {
            assertThat(TpmFrames.admitted(command(code, 10))).as(name).isFalse();
            assertThat(TpmFrames.admitted(withSessions(code, new int[] {0x40000001, 0x81000E01}, 0x81000E01))).as(name + " with sessions").isFalse();
        });
    }

    @Test
    void createPrimaryOnlyUnderTheOwnerAndEndorsementHierarchies() {
        for (int hierarchy : new int[] {0x4000000C /* platform */, 0x40000007 /* null */, 0x4000000A /* lockout */, 0x81000E00, 0x80000000}) {
            assertThat(TpmFrames.admitted(withSessions(0x131, new int[] {hierarchy}))).as("CreatePrimary under 0x%08x", hierarchy).isFalse();
        }
        assertThat(TpmFrames.admitted(command(0x131, 10))).as("CreatePrimary without its handle").isFalse();
        assertThat(TpmFrames.admitted(withSessions(0x151, new int[] {0x4000000A, 0x03000000}))).as("PolicySecret(lockout)").isFalse();
        assertThat(TpmFrames.admitted(withSessions(0x151, new int[] {0x40000001, 0x03000000}))).as("PolicySecret(owner)").isFalse();
    }

    @Test
    void hmacOnlyWithTheGuestsKeys() {
        for (int code : new int[] {0x155, 0x15B}) {
            for (int key : new int[] {0x80000000, 0x80000002, 0x81000E00, 0x81000EFF}) {
                assertThat(TpmFrames.admitted(withSessions(code, new int[] {key}, 0))).as("0x%03x with key 0x%08x", code, key).isTrue();
            }
            // the host's keys: the SDKs' device key handle, the SRK's, the EK's, just outside eflow's range; a hierarchy
            for (int key : new int[] {0x81000100, 0x81000001, 0x81010001, 0x81000DFF, 0x81000F00, 0x40000001}) {
                assertThat(TpmFrames.admitted(withSessions(code, new int[] {key}, 0))).as("0x%03x with key 0x%08x", code, key).isFalse();
            }
            assertThat(TpmFrames.admitted(command(code, 10))).as("0x%03x without its key handle", code).isFalse();
        }
    }

    @Test
    void evictControlOnlyWithinEflowsPersistentHandles() {
        int owner = 0x40000001;
        assertThat(TpmFrames.EFLOW_PERSISTENT_FIRST).isEqualTo(0x81000E00);
        assertThat(TpmFrames.EFLOW_PERSISTENT_LAST).isEqualTo(0x81000EFF);
        // persisting a transient object at the first, a middle and the last of eflow's handles
        for (int target : new int[] {0x81000E00, 0x81000E42, 0x81000EFF}) {
            assertThat(TpmFrames.admitted(evictControl(owner, 0x80000001, target))).as("persist at 0x%08x", target).isTrue();
            assertThat(TpmFrames.admitted(evictControl(owner, target, target))).as("evict 0x%08x", target).isTrue();
        }
        // anywhere else, either direction
        for (int target : new int[] {0x81000001, 0x81010001, 0x81000DFF, 0x81000F00, 0x81800000, 0x40000001, 0x01C00002}) {
            assertThat(TpmFrames.admitted(evictControl(owner, 0x80000001, target))).as("persist at 0x%08x", target).isFalse();
            assertThat(TpmFrames.admitted(evictControl(owner, target, target))).as("evict 0x%08x", target).isFalse();
            assertThat(TpmFrames.admitted(evictControl(owner, target, 0x81000E01))).as("evict 0x%08x, naming eflow's target", target).isFalse();
        }
        // only the owner authorizes it
        assertThat(TpmFrames.admitted(evictControl(0x4000000C, 0x80000001, 0x81000E01))).as("platform authorization").isFalse();
        assertThat(TpmFrames.admitted(evictControl(0x4000000B, 0x80000001, 0x81000E01))).as("endorsement authorization").isFalse();
    }

    @Test
    void malformedFramesAreRefusedNeverPassed() {
        byte[] evict = evictControl(0x40000001, 0x80000001, 0x81000E01);
        // cut short anywhere: in the handles, the authorization area or the persistent handle
        for (int length = 10; length < evict.length; length++) {
            byte[] cut = Arrays.copyOf(evict, length);
            ByteBuffer.wrap(cut).putInt(2, length);
            assertThat(TpmFrames.admitted(cut)).as("EvictControl cut to %d bytes", length).isFalse();
        }
        // an authorizationSize that points past the end, or wraps around when read as signed
        for (int authorizationSize : new int[] {13, 0x7FFFFFFF, 0xFFFFFFF0, -1}) {
            byte[] lying = evict.clone();
            ByteBuffer.wrap(lying).putInt(18, authorizationSize);
            assertThat(TpmFrames.admitted(lying)).as("authorizationSize 0x%08x", authorizationSize).isFalse();
        }
        // an authorizationSize that moves the parameter onto bytes naming a handle outside the range
        byte[] shifted = evictControl(0x40000001, 0x80000001, 0x81000E01);
        ByteBuffer.wrap(shifted).putInt(18, 5);
        assertThat(TpmFrames.admitted(shifted)).as("authorizationSize one short").isFalse();
        // a header whose size is not the frame's, a frame shorter than a header, an unknown tag
        byte[] random = command(0x17B, 12);
        ByteBuffer.wrap(random).putInt(2, 14);
        assertThat(TpmFrames.admitted(random)).as("size says 14, frame has 12").isFalse();
        assertThat(TpmFrames.admitted(Arrays.copyOf(command(0x17B, 10), 6))).as("6 bytes").isFalse();
        byte[] badTag = command(0x17B, 12);
        ByteBuffer.wrap(badTag).putShort(0, (short) 0x00C1);
        assertThat(TpmFrames.admitted(badTag)).as("a TPM 1.2 tag").isFalse();
    }

    @Test
    void theRefusalIsATpmResponseWithTheCommandCodeError() {
        ByteBuffer refusal = ByteBuffer.wrap(TpmFrames.refusal());
        assertThat(refusal.getShort(0)).isEqualTo((short) 0x8001);
        assertThat(refusal.getInt(2)).isEqualTo(10);
        assertThat(refusal.getInt(6)).isEqualTo(0x143);
    }

    @Test
    void framesAreReadWholeAndNonsenseSizesAreRejected() throws IOException {
        byte[] frame = command(0x17B, 12);
        assertThat(TpmFrames.read(Channels.newChannel(new ByteArrayInputStream(frame)))).isEqualTo(frame);
        assertThat(TpmFrames.read(Channels.newChannel(new ByteArrayInputStream(new byte[0])))).isNull();
        assertThatThrownBy(() -> TpmFrames.read(Channels.newChannel(new ByteArrayInputStream(command(0x17B, 1 << 20)))))
                .hasMessageContaining("not a TPM frame");
        assertThatThrownBy(() -> TpmFrames.read(Channels.newChannel(new ByteArrayInputStream(Arrays.copyOf(frame, 11)))))
                .hasMessageContaining("ended inside a frame");
    }

    @Test
    void turningPassthroughOnWithoutAHostTpmIsRefusedClearly() {
        assertThatThrownBy(() -> new TpmPassthrough("/nonexistent/tpmrm0").requireHostTpm())
                .isInstanceOf(EflowException.class)
                .hasMessage("this host has no TPM (/nonexistent/tpmrm0); TPM passthrough needs one");
    }
}
