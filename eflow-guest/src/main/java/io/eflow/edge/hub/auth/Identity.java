package io.eflow.edge.hub.auth;


import java.time.Instant;
import java.util.Objects;

/**
 * A client the hub lets in, with the key its SAS tokens are signed with.
 *
 * @param key        32 random bytes, base64, as an IoT Hub symmetric key
 * @param created    when the identity was made
 * @param keyCreated when its current key was made; client certificates issued before it are refused as tokens signed
 *                   with an older key are, so a rotation (or removing and adding again) retires both
 */
public record Identity(ClientId clientIdentity, Kind kind, String key, Instant created, Instant keyCreated) {
    /** Who made the identity, and so who removes it. */
    public enum Kind {
        /** The edge agent's, for a deployed module or the device itself; it goes when the deployment drops it. */
        MODULE,
        /** The operator's, for an application on the host; it stays until the operator removes it. */
        HOST
    }

    public Identity {
        Objects.requireNonNull(clientIdentity, "clientIdentity");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(keyCreated, "keyCreated");
    }

    /** Without the key: identities end up in logs. */
    @Override
    public String toString() {
        return clientIdentity + " (" + kind + ", created " + created + ", key of " + keyCreated + ")";
    }
}
