package io.eflow.tpm;

import io.eflow.platform.EflowException;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ByteChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The host's TPM as one guest reaches it through the proxy: the kernel's resource-managed device
 * ({@code /dev/tpmrm0}), opened once per guest so its sessions and objects are the guest's own, kept while the guest's
 * proxy runs and flushed by the kernel when it closes; or a socket
 * speaking raw TPM frames ({@code unix:/path}, such as swtpm's, for hosts and tests without a TPM chip), connected
 * per command, since such a TPM serves one connection at a time and keeps its state across them. One command at a
 * time: a TPM answers each command before it takes the next.
 */
final class HostTpm implements AutoCloseable {
    static final String DEFAULT = "/dev/tpmrm0";
    private final String spec;
    private ByteChannel channel;

    HostTpm(String spec) {
        this.spec = spec;
    }

    /** Whether the TPM {@code spec} names is there to be opened. */
    static boolean present(String spec) {
        return Files.exists(Path.of(spec.startsWith("unix:") ? spec.substring(5) : spec));
    }

    synchronized byte[] transact(byte[] command) throws IOException {
        if (channel == null) {
            channel = open();
        }
        try {
            TpmFrames.write(channel, command);
            byte[] response = TpmFrames.read(channel);
            if (response == null) {
                throw new IOException("the host TPM closed the connection");
            }
            return response;
        } catch (IOException e) {
            close();
            throw e;
        } finally {
            if (spec.startsWith("unix:")) {
                close();
            }
        }
    }

    private ByteChannel open() throws IOException {
        if (!present(spec)) {
            throw EflowException.failure("the host TPM " + spec + " is not there", null);
        }
        if (spec.startsWith("unix:")) {
            SocketChannel socket = SocketChannel.open(StandardProtocolFamily.UNIX);
            socket.connect(UnixDomainSocketAddress.of(Path.of(spec.substring(5))));
            return socket;
        }
        return FileChannel.open(Path.of(spec), StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    @Override
    public synchronized void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // a closing device has nothing more to say
            }
            channel = null;
        }
    }
}
