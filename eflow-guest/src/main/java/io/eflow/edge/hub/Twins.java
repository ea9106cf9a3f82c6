package io.eflow.edge.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eflow.contract.files.AtomicFile;
import io.eflow.contract.json.Mappers;
import io.eflow.edge.hub.auth.ClientId;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
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
     * @throws IllegalArgumentException when the patch is not a JSON object
     */
    synchronized long report(ClientId who, JsonNode patch) {
        if (patch == null || !patch.isObject()) {
            throw new IllegalArgumentException("a reported-properties patch is a JSON object");
        }
        ObjectNode twin = twin(who);
        ObjectNode reported = (ObjectNode) twin.get("reported");
        merge(reported, patch);
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
        ObjectNode patch = diff(current, wanted);
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

    /** The merge patch that turns {@code from} into {@code to}: changed and added properties, removed ones as null. */
    static ObjectNode diff(JsonNode from, JsonNode to) {
        ObjectNode patch = JsonNodeFactory.instance.objectNode();
        for (Iterator<String> names = from.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!to.has(name)) {
                patch.putNull(name);
            }
        }
        to.fields().forEachRemaining(field -> {
            JsonNode old = from.get(field.getKey());
            if (old != null && old.isObject() && field.getValue().isObject()) {
                ObjectNode nested = diff(old, field.getValue());
                if (!nested.isEmpty()) {
                    patch.set(field.getKey(), nested);
                }
            } else if (!field.getValue().equals(old)) {
                patch.set(field.getKey(), field.getValue().deepCopy());
            }
        });
        return patch;
    }

    private static void merge(ObjectNode target, JsonNode patch) {
        patch.fields().forEachRemaining(field -> {
            String name = field.getKey();
            JsonNode value = field.getValue();
            if (name.equals(VERSION)) {
                return; // the hub keeps the version
            }
            if (value.isNull()) {
                target.remove(name);
            } else if (value.isObject() && target.get(name) instanceof ObjectNode nested) {
                merge(nested, value);
            } else {
                target.set(name, value.deepCopy());
            }
        });
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
