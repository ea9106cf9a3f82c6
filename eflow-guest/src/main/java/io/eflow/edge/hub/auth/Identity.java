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

    /** .NET ticks (100 ns) from 0001-01-01 to the Unix epoch: IoT Hub's generation ids are tick counts. */
    private static final long TICKS_AT_EPOCH = 621_355_968_000_000_000L;

    /**
     * IoT Hub's {@code generationId}, which tells this identity from an earlier one of the same name: the moment it
     * was made, in ticks, as IoT Hub's ids read. Modules get it as {@code IOTEDGE_MODULEGENERATIONID} and name it in
     * every workload API call; an identity made again ({@link Identities#recreate}) has another one, so what a module
     * of the old generation still holds stops working. A key rotation keeps it, as in IoT Hub.
     */
    public String generationId() {
        return Long.toString(TICKS_AT_EPOCH + created.getEpochSecond() * 10_000_000L + created.getNano() / 100);
    }

    /** Without the key: identities end up in logs. */
    @Override
    public String toString() {
        return clientIdentity + " (" + kind + ", created " + created + ", key of " + keyCreated + ")";
    }
}
