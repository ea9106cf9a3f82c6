package io.eflow.tpm;

import io.eflow.platform.FileTrees;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The host's TPM for one guest, as much of it as DPS attestation needs and nothing that changes anyone else's state.
 * Each command frame from the guest is passed to the host's TPM when {@link AdmittedCommand} admits it, and answered
 * with TPM_RC_COMMAND_CODE otherwise. The guest's end is either a socket the proxy listens on
 * (bind-mounted into a namespace guest) or QEMU's socket of a virtio-serial port the proxy attaches to (a VM).
 */
final class TpmProxy implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TpmProxy.class);
    private final String guest;
    private final ExecutorService workers;
    /** The guest's one connection to the host's TPM: its sessions and objects live as long as the guest's proxy. */
    private final HostTpm tpm;
    private final Path socket;
    private volatile ServerSocketChannel server;
    private volatile SocketChannel attached;
    private volatile boolean closed;

    private TpmProxy(String guest, String hostTpm, Path socket) {
        this.guest = guest;
        this.tpm = new HostTpm(hostTpm);
        this.socket = socket;
        this.workers = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "tpm-proxy-" + guest);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Listens on {@code socket} (mode 0666: the folder it is in decides who can reach it) for any number of clients. */
    static TpmProxy listening(String guest, String hostTpm, Path socket) throws IOException {
        TpmProxy proxy = new TpmProxy(guest, hostTpm, socket);
        Files.deleteIfExists(socket);
        proxy.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        proxy.server.bind(UnixDomainSocketAddress.of(socket));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
        proxy.workers.execute(proxy::acceptLoop);
        return proxy;
    }

    /** Attaches to QEMU's socket of the guest's TPM port, again whenever the connection ends, until closed. */
    static TpmProxy attachedTo(String guest, String hostTpm, Path portSocket) {
        TpmProxy proxy = new TpmProxy(guest, hostTpm, portSocket);
        proxy.workers.execute(proxy::attachLoop);
        return proxy;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                SocketChannel client = server.accept();
                workers.execute(() -> {
                    try (client) {
                        serve(client);
                    } catch (IOException e) {
                        LOG.debug("{}: TPM client ended: {}", guest, e.getMessage());
                    }
                });
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                LOG.warn("{}: accepting a TPM client failed: {}", guest, e.getMessage());
            }
        }
    }

    private void attachLoop() {
        while (!closed) {
            try (SocketChannel port = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                port.connect(UnixDomainSocketAddress.of(socket));
                attached = port;
                serve(port);
            } catch (IOException e) {
                if (!closed) {
                    LOG.debug("{}: TPM port: {}", guest, e.getMessage());
                }
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return; // closed: the workers are shut down
            }
        }
    }

    /**
     * Frame by frame until the guest's side ends. Every client of the guest shares the guest's one host TPM
     * connection: each tpm2-tools run is a client of its own, and DPS's attestation spans several (a policy session
     * started by one, used by the next), which the kernel's resource manager would flush between connections.
     */
    private void serve(ByteChannel guestSide) throws IOException {
        byte[] command;
        while ((command = TpmFrames.read(guestSide)) != null) {
            byte[] response;
            if (TpmFrames.admitted(command)) {
                response = tpm.transact(command);
            } else {
                int code = TpmFrames.code(command);
                LOG.info("{}: refused TPM command 0x{} ({})", guest, HexFormat.of().toHexDigits(code), AdmittedCommand.of(code)
                        .map(admitted -> admitted.name() + " with handles or a frame it is not admitted with")
                        .orElse("not one DPS attestation needs"));
                response = TpmFrames.refusal();
            }
            TpmFrames.write(guestSide, response);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            if (server != null) {
                server.close();
                FileTrees.deleteRecursively(socket);
            }
            if (attached != null) {
                attached.close();
            }
        } catch (IOException e) {
            // closing for good: nothing to add
        }
        workers.shutdownNow();
        tpm.close();
    }
}
