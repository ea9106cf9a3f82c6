package io.eflow.edge.agent;

import com.fasterxml.jackson.databind.JsonNode;
import io.eflow.contract.json.Mappers;
import io.eflow.contract.manifest.ContainerPort;
import io.eflow.contract.manifest.HealthCheck;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code config} object of an OCI image configuration, as pulled from the registry: the image's defaults, which
 * a module's createOptions override.
 *
 * @param env         "NAME=value" entries, in order
 * @param workingDir  an absolute path; empty for "/"
 * @param user        user[:group], by name or id; empty for root
 * @param healthcheck the image's health check; {@link HealthCheck#UNSET} when it has none
 */
public record ImageConfig(List<String> env, List<String> cmd, List<String> entrypoint, String workingDir, String user,
                          Set<ContainerPort> exposedPorts, Map<String, String> labels, HealthCheck healthcheck) {
    public static final ImageConfig EMPTY =
            new ImageConfig(List.of(), List.of(), List.of(), "", "", Set.of(), Map.of(), HealthCheck.UNSET);

    public ImageConfig {
        env = List.copyOf(env);
        cmd = List.copyOf(cmd);
        entrypoint = List.copyOf(entrypoint);
        // image order is kept: labels become annotations and ports are listed back in the order the image gives
        exposedPorts = Collections.unmodifiableSet(new LinkedHashSet<>(exposedPorts));
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }

    /** Reads the {@code config} object of an image configuration blob (OCI or Docker; both name it the same). */
    public static ImageConfig parse(byte[] blob) {
        JsonNode config;
        try {
            config = Mappers.standard().readTree(blob).path("config");
        } catch (IOException e) {
            throw new IllegalArgumentException("the image configuration is not JSON: " + e.getMessage(), e);
        }
        Set<ContainerPort> ports = new LinkedHashSet<>();
        config.path("ExposedPorts").fieldNames().forEachRemaining(port -> ports.add(ContainerPort.parse(port)));
        Map<String, String> labels = new LinkedHashMap<>();
        config.path("Labels").fields().forEachRemaining(label -> labels.put(label.getKey(), label.getValue().asText()));
        return new ImageConfig(strings(config.path("Env")), strings(config.path("Cmd")), strings(config.path("Entrypoint")),
                config.path("WorkingDir").asText(""), config.path("User").asText(""), ports, labels,
                healthcheck(config.path("Healthcheck")));
    }

    /** Read as Docker reads an image's: what is missing or not a number is "not set", left to Docker's defaults. */
    private static HealthCheck healthcheck(JsonNode check) {
        return new HealthCheck(strings(check.path("Test")), nanos(check.path("Interval")), nanos(check.path("Timeout")),
                nanos(check.path("StartPeriod")), Math.max(0, check.path("Retries").asInt(0)));
    }

    private static Duration nanos(JsonNode value) {
        return Duration.ofNanos(Math.max(0, value.asLong(0)));
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }
}
