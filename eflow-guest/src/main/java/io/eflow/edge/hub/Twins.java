package io.eflow.edge.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eflow.contract.files.AtomicFile;
import io.eflow.contract.iothub.TwinLimits;
import io.eflow.contract.json.Mappers;
import io.eflow.contract.json.TwinPatch;
import io.eflow.edge.hub.auth.ClientId;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The twins of the hub's clients: desired properties from the deployment ({@code modulesContent.{module}
 * .properties.desired}), reported properties from the modules themselves. Each side has a version that only grows,
 * kept on disk with the properties so a restart does not hand a module an older version than it has seen.
 */
final class Twins {
    private static final ObjectMapper JSON = Mappers.standard();
    private static final String VERSION = "$version";

    private final Path folder;
    private final Map<ClientId, ObjectNode> twins = new ConcurrentHashMap<>();

    Twins(Path folder) {
        this.folder = folder;
    }

    /** The whole twin, as IoT Hub's twin GET answers: {@code {"desired":{…,"$version":n},"reported":{…}}}. */
    synchronized JsonNode document(ClientId who) {
        return twin(who).deepCopy();
    }

    /**
     * Merges a reported-properties patch (JSON merge patch: null removes a property) and returns the new version.
     *
     * @throws IllegalArgumentException when the patch is not a JSON object, or would take the reported properties past
     *                                  IoT Hub's limits ({@link TwinLimits}): then nothing of it is taken
     */
    synchronized long report(ClientId who, JsonNode patch) {
        if (patch == null || !patch.isObject()) {
            throw new IllegalArgumentException("a reported-properties patch is a JSON object");
        }
        ObjectNode twin = twin(who);
        ObjectNode reported = TwinPatch.merged((ObjectNode) twin.get("reported"), patch);
        TwinLimits.check("properties/reported", reported, TwinLimits.PROPERTIES_BYTES);
        twin.set("reported", reported);
        long version = reported.path(VERSION).asLong(0) + 1;
        reported.put(VERSION, version);
        save(who, twin);
        return version;
    }

    /**
     * Sets the desired properties the deployment gives a module. When they changed, the version grows and the
     * merge patch from the old properties to the new is returned, for the module's desired-properties topic.
     */
    synchronized Optional<Desired> desire(ClientId who, JsonNode desired) {
        ObjectNode twin = twin(who);
        ObjectNode current = ((ObjectNode) twin.get("desired")).deepCopy();
        long version = current.path(VERSION).asLong(0);
        current.remove(VERSION);
        ObjectNode wanted = desired != null && desired.isObject() ? ((ObjectNode) desired).deepCopy() : JSON.createObjectNode();
        wanted.remove(VERSION);
        if (current.equals(wanted)) {
            return Optional.empty();
        }
        ObjectNode patch = TwinPatch.diff(current, wanted);
        wanted.put(VERSION, version + 1);
        twin.set("desired", wanted);
        save(who, twin);
        return Optional.of(new Desired(patch, version + 1));
    }

    /** A desired-properties change for a module's twin: the merge patch and the version it brings the twin to. */
    record Desired(JsonNode patch, long version) {
    }

    /** Forgets a twin whose module left the deployment. */
    synchronized void remove(ClientId who) {
        twins.remove(who);
        try {
            Files.deleteIfExists(file(who));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + file(who), e);
        }
    }

    private ObjectNode twin(ClientId who) {
        return twins.computeIfAbsent(who, this::load);
    }

    private ObjectNode load(ClientId who) {
        Path file = file(who);
        try {
            if (Files.exists(file)) {
                return (ObjectNode) JSON.readTree(file.toFile());
            }
        } catch (IOException | ClassCastException e) {
            System.getLogger(Twins.class.getName()).log(System.Logger.Level.WARNING,
                    "twin of " + who + " unreadable, starting it afresh: " + e.getMessage());
        }
        ObjectNode twin = JSON.createObjectNode();
        twin.putObject("desired").put(VERSION, 0);
        twin.putObject("reported").put(VERSION, 0);
        return twin;
    }

    private void save(ClientId who, ObjectNode twin) {
        try {
            AtomicFile.write(file(who), JSON.writeValueAsBytes(twin), AtomicFile.OWNER_ONLY);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the twin of " + who + ": " + e.getMessage(), e);
        }
    }

    private Path file(ClientId who) {
        return folder.resolve(URLEncoder.encode(who.toString(), StandardCharsets.UTF_8) + ".json");
    }
}
