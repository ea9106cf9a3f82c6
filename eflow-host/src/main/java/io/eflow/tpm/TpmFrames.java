package io.eflow.tpm;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * TPM 2.0 command and response frames as they travel on a TPM device or socket: a 10-byte header (tag, total size,
 * command or response code, big-endian) and the rest; and the handles and constants the proxy's policy
 * ({@link AdmittedCommand}) reads in them.
 */
public final class TpmFrames {
    static final int HEADER = 10;
    /** The largest frame the proxy passes; TPM 2.0 buffers are at most a few KiB. */
    static final int MAX_FRAME = 64 * 1024;
    static final int TPM_ST_NO_SESSIONS = 0x8001;
    /** A command with an authorization area: a UINT32 authorizationSize and the sessions follow its handles. */
    static final int TPM_ST_SESSIONS = 0x8002;
    /** TPM_RC_COMMAND_CODE: "command code not supported", what a TPM says to a command it does not implement. */
    static final int TPM_RC_COMMAND_CODE = 0x143;
    static final int TPM_RH_OWNER = 0x40000001;
    static final int TPM_RH_ENDORSEMENT = 0x4000000B;
    /** The first byte of a transient object's handle (TPM_HT_TRANSIENT). */
    static final int TPM_HT_TRANSIENT = 0x80;
    /** The first byte of a persistent object's handle (TPM_HT_PERSISTENT). */
    static final int TPM_HT_PERSISTENT = 0x81;
    /**
     * The persistent handles that belong to eflow's guests, first and last: the only ones a guest may persist an
     * object at or evict (TPM2_EvictControl). The owner range 0x81000000..0x8100FFFF is the host owner's to share
     * out; SDKs and the host's own software use its low end (the SRK at 0x81000001, say), eflow keeps to this block.
     */
    public static final int EFLOW_PERSISTENT_FIRST = 0x81000E00;
    public static final int EFLOW_PERSISTENT_LAST = 0x81000EFF;

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

    static int tag(byte[] frame) {
        return ByteBuffer.wrap(frame).getShort(0) & 0xFFFF;
    }

    /** Whether the proxy passes this command frame to the host's TPM: see {@link AdmittedCommand}. */
    static boolean admitted(byte[] command) {
        return AdmittedCommand.admits(command);
    }

    /** Whether {@code handle} is one of eflow's persistent handles. */
    public static boolean inEflowRange(int handle) {
        return Integer.compareUnsigned(handle, EFLOW_PERSISTENT_FIRST) >= 0 && Integer.compareUnsigned(handle, EFLOW_PERSISTENT_LAST) <= 0;
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
