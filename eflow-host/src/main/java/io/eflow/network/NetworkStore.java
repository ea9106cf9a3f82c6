package io.eflow.network;

import com.fasterxml.jackson.core.type.TypeReference;
import io.eflow.platform.EflowException;
import io.eflow.platform.FileTrees;
import io.eflow.platform.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** This install's networks, one JSON file written whole (a crash leaves the old list or the new, never half). */
public final class NetworkStore {
    private final Path file;

    public NetworkStore(Path file) {
        this.file = file;
    }

    public List<HostNetwork> all() {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        try {
            return List.copyOf(Json.mapper().readValue(file.toFile(), new TypeReference<List<HostNetwork>>() {
            }));
        } catch (IOException e) {
            throw EflowException.failure("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    public Optional<HostNetwork> find(String name) {
        return all().stream().filter(network -> network.name().equals(name)).findFirst();
    }

    public HostNetwork get(String name) {
        return find(name).orElseThrow(() -> EflowException.notFound("no network named '" + name + "'; 'eflow network list' shows them"));
    }

    public void save(List<HostNetwork> networks) {
        try {
            FileTrees.write(file, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(networks), "rw-------");
        } catch (IOException e) {
            throw EflowException.failure("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
