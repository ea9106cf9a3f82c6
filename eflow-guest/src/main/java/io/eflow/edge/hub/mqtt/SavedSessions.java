package io.eflow.edge.hub.mqtt;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eflow.contract.files.AtomicFile;
import io.eflow.contract.json.Mappers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The subscriptions of clients that connect with clean session 0, kept across their connections and across the hub's
 * restarts, as IoT Hub and IoT Edge's hub keep them. The official Java SDK connects so and does not subscribe again
 * after its own reconnections: without its session a module would no longer get twin answers, desired-property
 * patches, methods or inputs once its connection had dropped once. Messages are not part of the session: the hub's
 * store keeps them, per endpoint.
 *
 * <p>Saved in a 0600 file after every change (subscriptions change when clients connect, rarely otherwise); a file
 * that cannot be read is set aside and the hub starts without sessions, which only makes clients subscribe again.
 */
public final class SavedSessions {
    private static final System.Logger LOG = System.getLogger(SavedSessions.class.getName());
    private static final ObjectMapper JSON = Mappers.standard();
    private static final TypeReference<Map<String, List<String>>> FORMAT = new TypeReference<>() {
    };

    private final Optional<Path> file;
    private final Map<String, Set<String>> sessions = new LinkedHashMap<>();

    private SavedSessions(Optional<Path> file) {
        this.file = file;
    }

    /** Sessions for as long as the hub runs. */
    public static SavedSessions inMemory() {
        return new SavedSessions(Optional.empty());
    }

    /** Sessions saved in {@code file}, those of the hub's last run loaded. */
    public static SavedSessions open(Path file) {
        SavedSessions saved = new SavedSessions(Optional.of(file));
        try {
            JSON.readValue(Files.readAllBytes(file), FORMAT)
                    .forEach((client, filters) -> saved.sessions.put(client, new LinkedHashSet<>(filters)));
        } catch (NoSuchFileException e) {
            // no session yet
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, file + " is not readable (" + e.getClass().getSimpleName()
                    + "): the hub starts without saved sessions, and their clients must subscribe again");
        }
        return saved;
    }

    /**
     * A client connects with clean session 0: its saved subscriptions, or none when it had no session (which it has
     * from now on).
     */
    synchronized Optional<List<String>> resume(String clientId) {
        Set<String> filters = sessions.get(clientId);
        if (filters == null) {
            sessions.put(clientId, new LinkedHashSet<>());
            save();
            return Optional.empty();
        }
        return Optional.of(List.copyOf(filters));
    }

    /** A client connects with clean session 1: whatever it had goes. */
    synchronized void forget(String clientId) {
        if (sessions.remove(clientId) != null) {
            save();
        }
    }

    synchronized void subscribed(String clientId, Collection<String> filters) {
        if (sessions.computeIfAbsent(clientId, id -> new LinkedHashSet<>()).addAll(filters)) {
            save();
        }
    }

    synchronized void unsubscribed(String clientId, Collection<String> filters) {
        Set<String> saved = sessions.get(clientId);
        if (saved != null && saved.removeAll(filters)) {
            save();
        }
    }

    private void save() {
        if (file.isEmpty()) {
            return;
        }
        try {
            AtomicFile.write(file.get(), JSON.writeValueAsBytes(sessions), AtomicFile.OWNER_ONLY);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot save the clients' sessions in " + file.get() + ": " + e.getMessage()
                    + "; they hold until the hub restarts");
        }
    }
}
