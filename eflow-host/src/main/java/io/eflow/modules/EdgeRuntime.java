package io.eflow.modules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eflow.edge.manifest.DeploymentManifest;
import io.eflow.edge.manifest.ManifestException;
import io.eflow.edge.manifest.ParsedManifest;
import io.eflow.instance.InstanceManager;
import io.eflow.platform.EflowException;
import io.eflow.platform.Json;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * The host's side of the edge runtime: deployments, modules, their logs, image loads and checks, each one request
 * to the guest's edge agent over the instance's SSH channel (the agent's socket is root-only in the guest).
 */
public final class EdgeRuntime {
    static final String AGENT_SOCKET = "/run/eflow/agent.sock";
    static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(2);
    static final Duration FOLLOW_TIMEOUT = Duration.ofDays(7);
    static final String LOAD_FOLDER = "/var/tmp";
    /**
     * Waits (up to a minute) for the agent's socket, then connects stdin and stdout to it: right after a start the
     * runtime's JVM is still coming up, which takes seconds in an emulated VM.
     */
    static final String CONNECT = "i=0; while [ ! -S " + AGENT_SOCKET + " ] && [ $i -lt 240 ]; do sleep 0.25; i=$((i+1)); done;"
            + " [ -S " + AGENT_SOCKET + " ] || { echo 'the edge runtime is not running (no " + AGENT_SOCKET + " after 60 s)' >&2;"
            + " exit 1; }; exec socat -t 86400 - UNIX-CONNECT:" + AGENT_SOCKET;
    private final InstanceManager instances;

    public EdgeRuntime(InstanceManager instances) {
        this.instances = instances;
    }

    /**
     * Checks the manifest on the host first (the same parser as the guest's), so a bad one never travels; then the
     * guest applies it. The running deployment stays as it was when either refuses.
     */
    public JsonNode apply(String name, byte[] manifest) {
        ParsedManifest parsed = validate(manifest);
        ObjectNode request = Json.MAPPER.createObjectNode().put("op", "apply");
        request.set("manifest", parsed.manifest().json());
        ObjectNode result = (ObjectNode) call(name, request);
        result.put("name", instances.resolveName(name));
        return result;
    }

    static ParsedManifest validate(byte[] manifest) {
        try {
            return DeploymentManifest.parse(new String(manifest, StandardCharsets.UTF_8));
        } catch (ManifestException e) {
            throw new EflowException("invalid deployment manifest: " + e.getMessage());
        }
    }

    public JsonNode deployment(String name) {
        JsonNode deployment = call(name, Json.MAPPER.createObjectNode().put("op", "show")).get("deployment");
        if (deployment == null || deployment.isNull()) {
            throw EflowException.notFound("instance '" + instances.resolveName(name) + "' has no deployment: apply one with"
                    + " 'eflow deployment apply FILE'");
        }
        return deployment;
    }

    public JsonNode modules(String name) {
        return call(name, Json.MAPPER.createObjectNode().put("op", "list")).get("modules");
    }

    public void restart(String name, String module) {
        call(name, Json.MAPPER.createObjectNode().put("op", "restart").put("module", module));
    }

    /** Passes the module's log lines (JSON lines: time, stream, text) to {@code out}, following if asked. */
    public void logs(String name, String module, Integer tail, String since, boolean follow, OutputStream out) {
        ObjectNode request = Json.MAPPER.createObjectNode().put("op", "logs").put("module", module).put("follow", follow);
        if (tail != null) {
            request.put("tail", tail);
        }
        if (since != null) {
            request.put("since", since);
        }
        stream(name, request, follow ? FOLLOW_TIMEOUT : REQUEST_TIMEOUT, line -> {
            try {
                out.write(line);
                out.write('\n');
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /**
     * Loads an OCI image-layout or docker-archive tarball: copied into the guest, loaded by the agent into its
     * image store (every blob checked against its digest), and the copy deleted.
     */
    public JsonNode load(String name, Path file, String reference) {
        if (!Files.isRegularFile(file)) {
            throw new EflowException(file + " is not a file on the host");
        }
        String remote = LOAD_FOLDER + "/eflow-load-" + Long.toHexString(System.nanoTime()) + ".tar";
        instances.copy(name, file, remote, true);
        try {
            ObjectNode request = Json.MAPPER.createObjectNode().put("op", "load").put("file", remote);
            if (reference != null) {
                request.put("reference", reference);
            }
            return call(name, request).get("images");
        } finally {
            instances.stream(name, List.of("rm", "-f", remote), new byte[0], OutputStream.nullOutputStream(), REQUEST_TIMEOUT);
        }
    }

    /** The guest's checks, plus what the host sees: the guest's clock against the host's. */
    public JsonNode check(String name) {
        Instant before = Instant.now();
        JsonNode checks = call(name, Json.MAPPER.createObjectNode().put("op", "check")).get("checks");
        Instant after = Instant.now();
        for (JsonNode check : checks) {
            if (check.path("id").asText().equals("clock")) {
                Instant guest = Instant.parse(check.path("detail").asText());
                Instant host = before.plus(Duration.between(before, after).dividedBy(2));
                long skew = Math.abs(Duration.between(host, guest).toMillis());
                ((ObjectNode) check).put("description", "guest clock agrees with the host's")
                        .put("status", skew <= Duration.between(before, after).toMillis() + 5_000 ? "ok" : "warning")
                        .put("detail", "differs by " + skew + " ms");
            }
        }
        return checks;
    }

    private JsonNode call(String name, ObjectNode request) {
        JsonNode[] last = new JsonNode[1];
        stream(name, request, REQUEST_TIMEOUT, line -> last[0] = read(line));
        return last[0];
    }

    /** Sends the request; hands each data line to {@code lines}; throws the agent's error as the host's. */
    private void stream(String name, ObjectNode request, Duration timeout, Consumer<byte[]> lines) {
        byte[] body = (request.toString() + "\n").getBytes(StandardCharsets.UTF_8);
        JsonNode[] end = new JsonNode[1];
        LineSplitter splitter = new LineSplitter(line -> {
            JsonNode node = read(line);
            if (node.has("ok")) {
                end[0] = node;
            } else {
                lines.accept(line);
            }
        });
        int exit = instances.stream(name, List.of("sh", "-c", CONNECT), body, splitter, timeout);
        splitter.finish();
        if (end[0] == null) {
            throw EflowException.failure("the edge agent in guest '" + instances.resolveName(name) + "' did not answer"
                    + " (exit " + exit + "); is the runtime up? See 'eflow check'", null);
        }
        if (!end[0].path("ok").asBoolean()) {
            throw new EflowException(end[0].path("error").asText("the edge agent refused the request"));
        }
        lines.accept(end[0].toString().getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode read(byte[] line) {
        try {
            return Json.MAPPER.readTree(line);
        } catch (IOException e) {
            throw EflowException.failure("the edge agent answered something that is not JSON: "
                    + new String(line, StandardCharsets.UTF_8), e);
        }
    }

    /** Cuts a byte stream into lines as it arrives. */
    private static final class LineSplitter extends OutputStream {
        private final Consumer<byte[]> lines;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        LineSplitter(Consumer<byte[]> lines) {
            this.lines = lines;
        }

        @Override
        public void write(int b) {
            if (b == '\n') {
                emit();
            } else {
                line.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }

        void finish() {
            if (line.size() > 0) {
                emit();
            }
        }

        private void emit() {
            byte[] bytes = line.toByteArray();
            line.reset();
            if (bytes.length > 0) {
                lines.accept(bytes);
            }
        }
    }
}
