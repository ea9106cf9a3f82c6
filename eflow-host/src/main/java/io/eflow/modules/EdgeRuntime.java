package io.eflow.modules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eflow.contract.manifest.DeploymentManifest;
import io.eflow.contract.manifest.ManifestException;
import io.eflow.contract.manifest.ParsedManifest;
import io.eflow.instance.InstanceManager;
import io.eflow.platform.EflowException;
import io.eflow.platform.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The host's side of the edge runtime: deployments, modules, their logs, image loads and checks, each one request
 * to the guest's edge agent over the instance's SSH channel (the agent's socket is root-only in the guest).
 */
public final class EdgeRuntime {
    static final String LOAD_FOLDER = "/var/tmp";
    private static final Duration REMOVE_TIMEOUT = Duration.ofMinutes(2);
    private final InstanceManager instances;
    private final AgentLink agent;

    public EdgeRuntime(InstanceManager instances) {
        this(instances, new AgentLink(instances));
    }

    public EdgeRuntime(InstanceManager instances, AgentLink agent) {
        this.instances = instances;
        this.agent = agent;
    }

    /**
     * Checks the manifest on the host first (the same parser as the guest's), so a bad one never travels; then the
     * guest applies it. The running deployment stays as it was when either refuses.
     */
    public JsonNode apply(String name, byte[] manifest) {
        ParsedManifest parsed = validate(manifest);
        ObjectNode request = Json.MAPPER.createObjectNode().put("op", "apply");
        request.set("manifest", parsed.manifest().json());
        ObjectNode result = (ObjectNode) agent.call(name, request);
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
        JsonNode deployment = agent.call(name, Json.MAPPER.createObjectNode().put("op", "show")).get("deployment");
        if (deployment == null || deployment.isNull()) {
            throw EflowException.notFound("instance '" + instances.resolveName(name) + "' has no deployment: apply one with"
                    + " 'eflow deployment apply FILE'");
        }
        return deployment;
    }

    public JsonNode modules(String name) {
        return agent.call(name, Json.MAPPER.createObjectNode().put("op", "list")).get("modules");
    }

    public void restart(String name, String module) {
        agent.call(name, Json.MAPPER.createObjectNode().put("op", "restart").put("module", module));
    }

    /**
     * Passes the module's log lines (JSON lines: time, stream, text) to {@code out}; following, until the reader of
     * {@code out} goes away (see {@link AgentLink#follow}).
     */
    public void logs(String name, String module, Integer tail, String since, boolean follow, OutputStream out) {
        ObjectNode request = Json.MAPPER.createObjectNode().put("op", "logs").put("module", module).put("follow", follow);
        if (tail != null) {
            request.put("tail", tail);
        }
        if (since != null) {
            request.put("since", since);
        }
        if (follow) {
            agent.follow(name, request, out);
        } else {
            agent.stream(name, request, line -> {
                try {
                    out.write(line);
                    out.write('\n');
                    out.flush();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
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
            return agent.call(name, request).get("images");
        } finally {
            instances.stream(name, List.of("rm", "-f", remote), InputStream.nullInputStream(), OutputStream.nullOutputStream(), REMOVE_TIMEOUT);
        }
    }

    /** The guest's checks, plus what the host sees: the guest's clock against the host's. */
    public JsonNode check(String name) {
        Instant before = Instant.now();
        JsonNode checks = agent.call(name, Json.MAPPER.createObjectNode().put("op", "check")).get("checks");
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
}
