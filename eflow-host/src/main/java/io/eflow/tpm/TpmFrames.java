package io.eflow.tpm;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Map;

/**
 * TPM 2.0 command and response frames as they travel on a TPM device or socket: a 10-byte header (tag, total size,
 * command or response code, big-endian) and the rest. What the read-only policy allows is decided here.
 */
final class TpmFrames {
    static final int HEADER = 10;
    /** The largest frame the proxy passes; TPM 2.0 buffers are at most a few KiB. */
    static final int MAX_FRAME = 64 * 1024;
    static final int TPM_ST_NO_SESSIONS = 0x8001;
    /** TPM_RC_COMMAND_CODE: "command code not supported", what a TPM says to a command it does not implement. */
    static final int TPM_RC_COMMAND_CODE = 0x143;

    /**
     * The commands that only read the TPM, by command code; plus the session commands tools use around reads
     * (a session is volatile, and through the kernel's resource manager it belongs to the proxy's connection).
     */
    static final Map<Integer, String> READ_ONLY = Map.ofEntries(
            Map.entry(0x176, "StartAuthSession"),
            Map.entry(0x165, "FlushContext"),
            Map.entry(0x17A, "GetCapability"),
            Map.entry(0x173, "ReadPublic"),
            Map.entry(0x17E, "PCR_Read"),
            Map.entry(0x169, "NV_ReadPublic"),
            Map.entry(0x14E, "NV_Read"),
            Map.entry(0x17B, "GetRandom"),
            Map.entry(0x181, "ReadClock"),
            Map.entry(0x17C, "GetTestResult"),
            Map.entry(0x18A, "TestParms"));

    private TpmFrames() {
    }

    /** One whole frame, or null at a clean end of the stream before a frame starts. */
    static byte[] read(ReadableByteChannel in) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(HEADER);
        if (!fill(in, header, true)) {
            return null;
        }
        int size = header.getInt(2);
        if (size < HEADER || size > MAX_FRAME) {
            throw new IOException("not a TPM frame (size " + size + ")");
        }
        ByteBuffer frame = ByteBuffer.allocate(size);
        frame.put(header.array());
        fill(in, frame, false);
        return frame.array();
    }

    static void write(WritableByteChannel out, byte[] frame) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(frame);
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }

    static int code(byte[] frame) {
        return ByteBuffer.wrap(frame).getInt(6);
    }

    static boolean allowed(byte[] command) {
        return READ_ONLY.containsKey(code(command));
    }

    /** The answer to a command the policy does not pass. */
    static byte[] refusal() {
        return ByteBuffer.allocate(HEADER).putShort((short) TPM_ST_NO_SESSIONS).putInt(HEADER).putInt(TPM_RC_COMMAND_CODE).array();
    }

    private static boolean fill(ReadableByteChannel in, ByteBuffer buffer, boolean endAllowed) throws IOException {
        while (buffer.hasRemaining()) {
            if (in.read(buffer) < 0) {
                if (endAllowed && buffer.position() == 0) {
                    return false;
                }
                throw new EOFException("the TPM stream ended inside a frame");
            }
        }
        return true;
    }
}
