package io.eflow.edge.cloud.tpm;

import io.eflow.iothub.emulator.tpm.Swtpm;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for eflow's TPM proxy in front of a {@link Swtpm}, for tests: a UNIX socket that forwards the TPM commands
 * the proxy admits (by command code; CreatePrimary only in the owner and endorsement hierarchies, EvictControl only
 * at eflow's handles 0x81000E00–0x81000EFF) and answers the rest {@code TPM_RC_COMMAND_CODE}, as the proxy does;
 * it records every command code it saw and the ones it refused.
 */
final class AdmittingRelay implements AutoCloseable {
    static final Map<Integer, String> ADMITTED = Map.ofEntries(
            Map.entry(0x17A, "GetCapability"), Map.entry(0x173, "ReadPublic"), Map.entry(0x17E, "PCR_Read"),
            Map.entry(0x169, "NV_ReadPublic"), Map.entry(0x14E, "NV_Read"), Map.entry(0x17B, "GetRandom"),
            Map.entry(0x18A, "TestParms"), Map.entry(0x176, "StartAuthSession"), Map.entry(0x165, "FlushContext"),
            Map.entry(0x131, "CreatePrimary"), Map.entry(0x151, "PolicySecret"), Map.entry(0x16C, "PolicyCommandCode"),
            Map.entry(0x189, "PolicyGetDigest"), Map.entry(0x147, "ActivateCredential"), Map.entry(0x156, "Import"),
            Map.entry(0x157, "Load"), Map.entry(0x162, "ContextSave"), Map.entry(0x161, "ContextLoad"),
            Map.entry(0x155, "HMAC"), Map.entry(0x15B, "HMAC_Start"), Map.entry(0x15C, "SequenceUpdate"),
            Map.entry(0x13E, "SequenceComplete"), Map.entry(0x120, "EvictControl"));
    private static final Set<Integer> PRIMARY_HIERARCHIES = Set.of(0x40000001, 0x4000000B);
    private final Path socket;
    private final Path tpm;
    private final ServerSocketChannel server;
    private final Thread thread;
    private final List<Integer> seen = new CopyOnWriteArrayList<>();
    private final List<Integer> refused = new CopyOnWriteArrayList<>();

    AdmittingRelay(Path socket, Path tpm) throws IOException {
        this.socket = socket;
        this.tpm = tpm;
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        thread = new Thread(this::serve, "tpm-relay");
        thread.setDaemon(true);
        thread.start();
    }

    String tcti() {
        return "cmd:socat - UNIX-CONNECT:" + socket;
    }

    List<Integer> seen() {
        return List.copyOf(seen);
    }

    List<Integer> refused() {
        return List.copyOf(refused);
    }

    /** One client at a time, as swtpm serves them. */
    private void serve() {
        while (server.isOpen()) {
            try (SocketChannel client = server.accept();
                 SocketChannel upstream = SocketChannel.open(UnixDomainSocketAddress.of(tpm))) {
                relay(Channels.newInputStream(client), Channels.newOutputStream(client),
                        Channels.newInputStream(upstream), Channels.newOutputStream(upstream));
            } catch (IOException e) {
                // the client went, or the relay closed
            }
        }
    }

    private void relay(InputStream fromClient, OutputStream toClient, InputStream fromTpm, OutputStream toTpm)
            throws IOException {
        DataInputStream client = new DataInputStream(fromClient);
        DataInputStream tpmIn = new DataInputStream(fromTpm);
        while (true) {
            byte[] command;
            try {
                command = frame(client);
            } catch (EOFException e) {
                return;
            }
            ByteBuffer in = ByteBuffer.wrap(command);
            int code = in.getInt(6);
            seen.add(code);
            if (!admitted(in, code)) {
                refused.add(code);
                toClient.write(ByteBuffer.allocate(10).putShort((short) 0x8001).putInt(10).putInt(0x143).array());
                toClient.flush();
                continue;
            }
            toTpm.write(command);
            toTpm.flush();
            toClient.write(frame(tpmIn));
            toClient.flush();
        }
    }

    private static boolean admitted(ByteBuffer command, int code) {
        if (!ADMITTED.containsKey(code)) {
            return false;
        }
        if (code == 0x131) {
            return PRIMARY_HIERARCHIES.contains(command.getInt(10));
        }
        if (code == 0x120) {
            // handles auth and object, the authorization area, then the persistent handle
            int authorizationSize = command.getInt(18);
            int persistent = command.getInt(22 + authorizationSize);
            return persistent >= 0x81000E00 && persistent <= 0x81000EFF;
        }
        return true;
    }

    /** A TPM command or response: tag, size (the whole frame), the rest. */
    private static byte[] frame(DataInputStream in) throws IOException {
        byte[] header = new byte[6];
        in.readFully(header);
        int size = ByteBuffer.wrap(header).getInt(2);
        byte[] frame = new byte[size];
        System.arraycopy(header, 0, frame, 0, 6);
        in.readFully(frame, 6, size - 6);
        return frame;
    }

    @Override
    public void close() throws IOException {
        server.close();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
