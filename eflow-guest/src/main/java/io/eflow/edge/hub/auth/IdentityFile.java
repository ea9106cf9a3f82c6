package io.eflow.edge.hub.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.eflow.contract.files.AtomicFile;
import io.eflow.contract.json.Mappers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code identities.json}: the device the identities belong to and each identity with its key. Mode 0600 in a 0700
 * folder, replaced whole.
 */
record IdentityFile(int version, String deviceId, List<Entry> identities) {
    static final String FILE = "identities.json";
    private static final int VERSION = 1;
    private static final ObjectMapper JSON = Mappers.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    /** One identity, flat, so the file reads plainly: {@code moduleId} is null for a device identity. */
    record Entry(String deviceId, String moduleId, Identity.Kind kind, String key, Instant created, Instant keyCreated) {
        static Entry of(Identity identity) {
            ClientId id = identity.clientIdentity();
            return new Entry(id.deviceId(), id.moduleId().orElse(null), identity.kind(), identity.key(),
                    identity.created(), identity.keyCreated());
        }

        Identity identity() {
            return new Identity(new ClientId(deviceId, Optional.ofNullable(moduleId)), kind, key, created, keyCreated);
        }
    }

    IdentityFile {
        identities = List.copyOf(identities);
    }

    static IdentityFile of(String deviceId, Collection<Identity> identities) {
        return new IdentityFile(VERSION, deviceId, identities.stream().map(Entry::of).toList());
    }

    /**
     * The saved registry, or none when there is no file yet.
     *
     * @throws IOException when the file cannot be read: starting empty would give every module a new key behind the
     *                     operator's back, so the hub does not start until someone looks
     */
    static Optional<IdentityFile> read(Path folder) throws IOException {
        Path file = folder.resolve(FILE);
        // what a crash left half written; the file itself is whole
        Files.deleteIfExists(AtomicFile.tempOf(file));
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        IdentityFile saved;
        try {
            saved = JSON.readValue(bytes, IdentityFile.class);
            Objects.requireNonNull(saved.deviceId(), "deviceId");
            saved.identities().forEach(Entry::identity);
        } catch (JsonProcessingException | RuntimeException e) {
            // Jackson's message may quote the file, keys included
            throw new IOException(file + " is not a readable identity registry (" + e.getClass().getSimpleName()
                    + "); restore it from a backup, or move it aside to start over and give every client a new key");
        }
        if (saved.version() != VERSION) {
            throw new IOException(file + " has version " + saved.version() + ", this runtime reads version " + VERSION);
        }
        return Optional.of(saved);
    }

    void write(Path folder) throws IOException {
        PrivateFiles.write(folder.resolve(FILE), JSON.writeValueAsBytes(this), PrivateFiles.OWNER_ONLY);
    }
}
