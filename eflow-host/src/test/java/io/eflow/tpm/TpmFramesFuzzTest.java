package io.eflow.tpm;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The TPM proxy's filter on whatever a guest writes to its TPM device: the stream is cut into frames as the proxy cuts
 * it, and each frame's verdict must be the one the policy gives the command the frame really carries, worked out here
 * from the bytes on its own: a command that changes the host's TPM never passes however it is framed (sessions,
 * handles, sizes), and a conditional one passes only with the handles it is admitted with.
 */
class TpmFramesFuzzTest {
    private static final int OWNER = 0x40000001;
    private static final int ENDORSEMENT = 0x4000000B;

    @FuzzTest(maxDuration = "30s")
    void commandStreams(byte[] stream) {
        ReadableByteChannel guest = Channels.newChannel(new ByteArrayInputStream(stream));
        while (true) {
            byte[] frame;
            try {
                frame = TpmFrames.read(guest);
            } catch (IOException e) {
                return; // the proxy ends the guest's connection: nothing of the broken frame went anywhere
            }
            if (frame == null) {
                return;
            }
            assertThat(ByteBuffer.wrap(frame).getInt(2)).isEqualTo(frame.length);
            int code = ByteBuffer.wrap(frame).getInt(6);
            boolean admitted = TpmFrames.admitted(frame);
            assertThat(admitted).as("verdict on command 0x%x", code).isEqualTo(policy(frame));
            if (TpmFramesTest.REFUSED.containsValue(code)) {
                assertThat(admitted).as("a command that changes the TPM, 0x%x", code).isFalse();
            }
        }
    }

    /** The proxy's policy, from the frame's bytes. */
    private static boolean policy(byte[] frame) {
        ByteBuffer bytes = ByteBuffer.wrap(frame);
        int tag = bytes.getShort(0) & 0xFFFF;
        if (tag != 0x8001 && tag != 0x8002) {
            return false;
        }
        int code = bytes.getInt(6);
        Integer first = uint32(frame, 10);
        return switch (code) {
            case 0x131 -> first != null && (first == OWNER || first == ENDORSEMENT); // CreatePrimary
            case 0x151 -> first != null && first == ENDORSEMENT; // PolicySecret
            case 0x155, 0x15B -> first != null && (first >>> 24 == 0x80 || eflows(first)); // HMAC, HMAC_Start
            case 0x120 -> evictControl(frame, tag == 0x8002);
            default -> TpmFramesTest.ADMITTED.containsValue(code);
        };
    }

    /** EvictControl(auth, object; persistent): owner auth, a target of eflow's, a transient object or one of eflow's. */
    private static boolean evictControl(byte[] frame, boolean sessions) {
        Integer auth = uint32(frame, 10);
        Integer object = uint32(frame, 14);
        long parameter = 18;
        if (sessions) {
            Integer authorizationSize = uint32(frame, 18);
            if (authorizationSize == null) {
                return false;
            }
            parameter = 22 + Integer.toUnsignedLong(authorizationSize);
        }
        Integer persistent = parameter <= Integer.MAX_VALUE ? uint32(frame, (int) parameter) : null;
        if (auth == null || object == null || persistent == null || auth != OWNER || !eflows(persistent)) {
            return false;
        }
        return object >>> 24 == 0x80 || eflows(object);
    }

    private static boolean eflows(int handle) {
        return Integer.compareUnsigned(handle, 0x81000E00) >= 0 && Integer.compareUnsigned(handle, 0x81000EFF) <= 0;
    }

    private static Integer uint32(byte[] frame, int offset) {
        return offset >= 0 && offset + 4 <= frame.length ? ByteBuffer.wrap(frame).getInt(offset) : null;
    }
}
