package io.eflow.edge.agent;

import io.eflow.contract.manifest.ManifestException;
import io.eflow.contract.wire.AgentRequest;
import io.eflow.contract.wire.CloudRequest;
import io.eflow.contract.wire.Failure;
import io.eflow.contract.wire.Handler;
import io.eflow.contract.wire.HubRequest;
import io.eflow.contract.wire.Reply;
import io.eflow.contract.wire.ReplyStream;
import io.eflow.contract.wire.Request;
import io.eflow.contract.wire.RequestException;
import io.eflow.contract.wire.Wire;
import io.eflow.edge.image.ImageException;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The runtime's control socket, root-only in the guest ({@code /run/eflow/agent.sock}); the host reaches it over
 * its SSH channel. One request per connection, one {@link io.eflow.contract.wire} line each way: the request, then
 * data lines of a streamed answer, then exactly one reply. Whatever goes wrong in serving it is answered as a
 * {@link Failure} with its kind: the host never has to guess why nothing came.
 */
public final class AgentServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(AgentServer.class.getName());
    /** A request is a few hundred bytes; a deployment manifest some kilobytes. Anything far larger is not one. */
    static final int MAX_REQUEST = 16 << 20;
    private final Handler<AgentRequest<?>> agent;
    private final Handler<HubRequest<?>> hub;
    private final Handler<CloudRequest<?>> cloud;
    private final ServerSocketChannel server;

    /** Serves the agent's requests on {@code socket}, and hands the hub's to {@code hub}, the cloud link's to {@code cloud}. */
    public AgentServer(Handler<AgentRequest<?>> agent, Handler<HubRequest<?>> hub, Handler<CloudRequest<?>> cloud,
                       Path socket) throws IOException {
        this.agent = agent;
        this.hub = hub;
        this.cloud = cloud;
        Files.createDirectories(socket.getParent());
        // bound under another name and renamed into place: the socket's name appears only once it listens, so a
        // host waiting for it never connects between bind and listen (ECONNREFUSED, wide in an emulated VM)
        Path binding = socket.resolveSibling(socket.getFileName() + ".new");
        Files.deleteIfExists(binding);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(binding));
        Files.setPosixFilePermissions(binding, PosixFilePermissions.fromString("rw-------"));
        Files.move(binding, socket, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Thread accept = new Thread(this::accept, "agent-server");
        accept.setDaemon(true);
        accept.start();
    }

    private void accept() {
        while (server.isOpen()) {
            try {
                SocketChannel client = server.accept();
                Thread handler = new Thread(() -> serve(client), "agent-request");
                handler.setDaemon(true);
                handler.start();
            } catch (IOException e) {
                if (server.isOpen()) {
                    LOG.log(System.Logger.Level.WARNING, "agent socket: " + e.getMessage());
                }
            }
        }
    }

    private void serve(SocketChannel client) {
        try (client; OutputStream out = Channels.newOutputStream(client)) {
            InputStream in = new BufferedInputStream(Channels.newInputStream(client));
            Reply reply = answer(in, new Stream(client, out));
            out.write(Wire.line(reply));
            out.flush();
        } catch (IOException e) {
            // the host went away (a followed log was interrupted, say): nobody is left to answer
        }
    }

    /** The reply to the request on {@code in}; never throws, whatever the request or its handler does. */
    Reply answer(InputStream in, ReplyStream stream) {
        String op = "?";
        try {
            Request<?> request = Wire.readRequest(requestLine(in));
            op = request.op();
            return dispatch(request, stream);
        } catch (Throwable e) {
            Failure failure = failure(e);
            if (failure.kind() == Failure.Kind.INTERNAL) {
                LOG.log(System.Logger.Level.ERROR, "request '" + op + "' failed", e);
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return failure;
        }
    }

    private Reply dispatch(Request<?> request, ReplyStream stream) throws Exception {
        // a pattern switch once the build is past Java 17; the families are sealed, so this is every request
        if (request instanceof AgentRequest<?> forAgent) {
            return agent.handle(forAgent, stream);
        } else if (request instanceof HubRequest<?> forHub) {
            return hub.handle(forHub, stream);
        } else if (request instanceof CloudRequest<?> forCloud) {
            return cloud.handle(forCloud, stream);
        }
        throw new IllegalStateException("no handler for " + request.getClass().getSimpleName());
    }

    /** What a failure is, for the host: the exceptions the runtime throws on purpose have a kind, the rest are bugs. */
    static Failure failure(Throwable e) {
        if (e instanceof RequestException r) {
            return Failure.of(r.kind(), r.getMessage());
        } else if (e instanceof ManifestException m) {
            return new Failure(Failure.Kind.MANIFEST, m.problem(), m.path());
        } else if (e instanceof ImageException) {
            return Failure.of(Failure.Kind.IMAGE, e.getMessage());
        } else if (e instanceof Wire.Malformed || e instanceof IllegalArgumentException) {
            return Failure.of(Failure.Kind.BAD_REQUEST, e.getMessage());
        } else if (e instanceof TimeoutException) {
            return Failure.of(Failure.Kind.TIMEOUT, e.getMessage());
        }
        return Failure.of(Failure.Kind.INTERNAL, e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage()) + " (the runtime's log has the details)");
    }

    /** Up to the first newline or the end of what the host sent. */
    private static byte[] requestLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
            if (line.size() >= MAX_REQUEST) {
                throw RequestException.badRequest("a request longer than " + (MAX_REQUEST >> 20) + " MiB");
            }
            line.write(b);
        }
        return line.toByteArray();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    /**
     * Data lines to the host, and whether it is still there. A following answer has no other way to learn that the
     * host left before its next write: the host sends nothing after its request, so a thread reads until the end.
     */
    private static final class Stream implements ReplyStream {
        private final SocketChannel client;
        private final OutputStream out;
        private AtomicBoolean connected;

        Stream(SocketChannel client, OutputStream out) {
            this.client = client;
            this.out = out;
        }

        @Override
        public void send(Reply.Data data) throws IOException {
            out.write(Wire.line(data));
            out.flush();
        }

        @Override
        public synchronized boolean open() {
            if (connected == null) {
                connected = new AtomicBoolean(true);
                Thread watch = new Thread(() -> {
                    try {
                        while (client.read(ByteBuffer.allocate(64)) >= 0) {
                            // the host sends nothing more; only its end matters
                        }
                    } catch (IOException ignored) {
                        // closed: gone as well
                    }
                    connected.set(false);
                }, "agent-hangup-watch");
                watch.setDaemon(true);
                watch.start();
            }
            return connected.get();
        }
    }
}
