package io.eflow.edge.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.eflow.edge.image.ImageException;
import io.eflow.edge.logs.Query;
import io.eflow.edge.logs.Since;
import io.eflow.contract.manifest.ManifestException;
import io.eflow.contract.manifest.ParsedManifest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The agent's control socket, root-only in the guest ({@code /run/eflow/agent.sock}); the host reaches it over
 * its SSH channel. One request per connection: a JSON object on one line. The answer is JSON lines: zero or more
 * data lines, then exactly one {@code {"ok":true,...}} or {@code {"ok":false,"error":"..."}}.
 */
public final class AgentServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(AgentServer.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private final EdgeAgent agent;
    private final Extension extension;
    private final ServerSocketChannel server;

    /**
     * More requests the socket answers, beside the agent's own: the edge hub's. Answers as the agent's do: data lines
     * written to {@code out}, then the returned object, to which the server adds {@code "ok":true}.
     */
    public interface Extension {
        Extension NONE = (op, request, client, out) -> null;

        /** The answer, or null when {@code op} is not one of this extension's. */
        ObjectNode handle(String op, JsonNode request, SocketChannel client, OutputStream out) throws IOException;
    }

    public AgentServer(EdgeAgent agent, Path socket) throws IOException {
        this(agent, socket, Extension.NONE);
    }

    public AgentServer(EdgeAgent agent, Path socket, Extension extension) throws IOException {
        this.agent = agent;
        this.extension = extension;
        Files.createDirectories(socket.getParent());
        // bound under another name and renamed into place: the socket's name appears only once it listens, so a
        // host waiting for it never connects between bind and listen (ECONNREFUSED, wide in an emulated VM)
        Path binding = socket.resolveSibling(socket.getFileName() + ".new");
        Files.deleteIfExists(binding);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(binding));
        Files.setPosixFilePermissions(binding, PosixFilePermissions.fromString("rw-------"));
        Files.move(binding, socket, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
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
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(client), StandardCharsets.UTF_8));
            String line = in.readLine();
            ObjectNode result;
            try {
                JsonNode request = JSON.readTree(line == null ? "" : line);
                result = handle(request, client, out);
                result.put("ok", true);
            } catch (ManifestException e) {
                result = JSON.createObjectNode().put("ok", false).put("error", e.getMessage()).put("path", e.path());
            } catch (IOException | ImageException | IllegalArgumentException e) {
                result = JSON.createObjectNode().put("ok", false).put("error", String.valueOf(e.getMessage()));
            }
            write(out, result);
        } catch (IOException | UncheckedIOException e) {
            // the host went away (e.g. a followed log was interrupted): nothing to answer
        }
    }

    private ObjectNode handle(JsonNode request, SocketChannel client, OutputStream out) throws IOException {
        String op = request.path("op").asText("");
        ObjectNode result = JSON.createObjectNode();
        switch (op) {
            case "apply" -> {
                if (!request.hasNonNull("manifest")) {
                    throw new IllegalArgumentException("apply needs a manifest");
                }
                ParsedManifest parsed = agent.apply(JSON.writeValueAsString(request.get("manifest")));
                parsed.warnings().forEach(result.putArray("warnings")::add);
                result.put("modules", parsed.manifest().agent().modules().size());
            }
            case "show" -> result.set("deployment", agent.deployment().orElse(null));
            case "list" -> result.set("modules", JSON.valueToTree(agent.modules()));
            case "restart" -> {
                String module = request.path("module").asText();
                if (!agent.restart(module)) {
                    throw new IllegalArgumentException("no module named '" + module + "' is deployed");
                }
            }
            case "logs" -> logs(request, client, out);
            case "load" -> {
                Optional<String> name = Optional.ofNullable(request.get("reference")).map(JsonNode::asText);
                result.set("images", JSON.valueToTree(agent.load(Path.of(request.path("file").asText()), name)));
            }
            case "check" -> result.set("checks", JSON.valueToTree(new AgentChecks(agent).run()));
            default -> {
                ObjectNode answer = extension.handle(op, request, client, out);
                if (answer == null) {
                    throw new IllegalArgumentException("unknown request '" + op + "'");
                }
                result = answer;
            }
        }
        return result;
    }

    /** Following ends when the host goes away: its side of the socket closes, which a reader thread notices. */
    private void logs(JsonNode request, SocketChannel client, OutputStream out) throws IOException {
        String module = request.path("module").asText();
        if (!agent.modules().containsKey(module) && !agent.logs().modules().contains(module)) {
            throw new IllegalArgumentException("no module named '" + module + "' is deployed");
        }
        Query query = Query.all().withTail(request.path("tail").asInt(Query.ALL)).withFollow(request.path("follow").asBoolean());
        if (request.hasNonNull("since")) {
            query = query.withSince(Since.parse(request.get("since").asText(), Clock.systemUTC()));
        }
        java.util.function.BooleanSupplier connected = query.follow() ? whileConnected(client) : () -> true;
        try {
            agent.logs().read(module, query, line -> {
                try {
                    write(out, JSON.createObjectNode().put("time", line.time().toString()).put("stream", line.stream())
                            .put("text", line.text()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, connected);
        } catch (NoSuchElementException e) {
            // deployed but never started: no lines yet
            if (query.follow()) {
                throw new IllegalArgumentException("module '" + module + "' has no logs yet");
            }
        }
    }

    /**
     * True until the host hangs up. A following answer has no other way to learn it before its next write: the host
     * sends nothing after its request, so a thread reads until the end of the stream.
     */
    public static java.util.function.BooleanSupplier whileConnected(SocketChannel client) {
        AtomicBoolean connected = new AtomicBoolean(true);
        Thread watch = new Thread(() -> {
            try {
                while (client.read(java.nio.ByteBuffer.allocate(64)) >= 0) {
                    // the host sends nothing more; only its end matters
                }
            } catch (IOException ignored) {
                // closed: gone as well
            }
            connected.set(false);
        }, "agent-hangup-watch");
        watch.setDaemon(true);
        watch.start();
        return connected::get;
    }

    public static void write(OutputStream out, JsonNode node) throws IOException {
        out.write(JSON.writeValueAsBytes(node));
        out.write('\n');
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

}
