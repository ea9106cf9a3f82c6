package io.eflow.edge.hub.auth;

import io.eflow.contract.iothub.ConnectionString;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

import static java.util.stream.Collectors.toUnmodifiableMap;

/**
 * The hub's identity registry: every client that may connect, with its key. The edge agent keeps the module identities
 * in step with each deployment; the operator adds and removes host identities. All identities belong to one device:
 * when it is provisioned under a new id, they move to it with their keys.
 *
 * <p>Saved in {@code identities.json} (0600) in a 0700 state folder after every change, before the change is visible.
 * Reads are lock-free (the hub looks identities up on every CONNECT); changes are serialized.
 */
public final class Identities {
    /**
     * IoT Hub's rule for device and module ids. A module id may not start with {@code $}: IoT Hub keeps those for
     * the runtime's own modules ({@code $edgeAgent}, {@code $edgeHub}), which are not clients of this registry.
     */
    private static final Pattern IOT_HUB_ID = Pattern.compile("[A-Za-z0-9\\-:.+%_#*?!(),=@$']{1,128}");
    private static final int KEY_BYTES = 32;

    private final Path folder;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private volatile String deviceId;
    /** Replaced whole on each change, so a lookup never sees half of one. */
    private volatile Map<ClientId, Identity> identities;

    /** What {@link #ensureModules} changed: the hub drops the connections of {@code removed}. */
    public record Changes(Set<ClientId> added, Set<ClientId> removed) {
        public Changes {
            added = Set.copyOf(added);
            removed = Set.copyOf(removed);
        }

        public boolean isEmpty() {
            return added.isEmpty() && removed.isEmpty();
        }
    }

    private Identities(Path folder, Clock clock, String deviceId, Map<ClientId, Identity> identities) {
        this.folder = folder;
        this.clock = clock;
        this.deviceId = deviceId;
        this.identities = identities;
    }

    public static Identities open(Path folder, String deviceId) throws IOException {
        return open(folder, deviceId, Clock.systemUTC());
    }

    /**
     * Opens the registry in {@code folder}, creating it empty the first time. Saved identities of another device id
     * move to {@code deviceId}.
     *
     * @throws IOException when the saved registry cannot be read or the folder cannot be made private
     */
    public static Identities open(Path folder, String deviceId, Clock clock) throws IOException {
        checkDeviceId(deviceId);
        PrivateFiles.ownFolder(folder);
        Optional<IdentityFile> saved = IdentityFile.read(folder);
        Map<ClientId, Identity> loaded = saved.map(file -> file.identities().stream()
                        .map(IdentityFile.Entry::identity)
                        .collect(toUnmodifiableMap(Identity::clientIdentity, Function.identity())))
                .orElse(Map.of());
        Identities registry = new Identities(folder, clock, saved.map(IdentityFile::deviceId).orElse(deviceId), loaded);
        if (saved.isEmpty()) {
            registry.save(deviceId, loaded);
        } else if (!registry.deviceId.equals(deviceId)) {
            registry.save(deviceId, movedTo(deviceId, loaded));
        }
        return registry;
    }

    /**
     * The edge agent's call at each deployment: the device's own identity and one per module, each {@code MODULE}
     * identity no longer wanted removed, existing keys kept.
     *
     * @throws IllegalArgumentException for an id IoT Hub would refuse (the manifest reader checks module names first)
     * @throws IdentityException        when a module would take a host identity's name: the operator must remove the
     *                                  host identity or the deployment rename the module
     */
    public synchronized Changes ensureModules(String deviceId, Set<String> moduleIds) throws IOException {
        checkDeviceId(deviceId);
        moduleIds.forEach(Identities::checkModuleId);
        Map<ClientId, Identity> current = movedTo(deviceId, identities);
        Set<ClientId> wanted = new HashSet<>();
        wanted.add(ClientId.device(deviceId));
        moduleIds.forEach(m -> wanted.add(ClientId.module(deviceId, m)));

        Map<ClientId, Identity> next = new LinkedHashMap<>();
        for (Identity identity : current.values()) {
            boolean host = identity.kind() == Identity.Kind.HOST;
            if (host && wanted.contains(identity.clientIdentity())) {
                throw new IdentityException("module '" + identity.clientIdentity().moduleId().orElseThrow()
                        + "' has the name of a host identity: remove the host identity first, or rename the module");
            }
            if (host || wanted.contains(identity.clientIdentity())) {
                next.put(identity.clientIdentity(), identity);
            }
        }
        for (ClientId id : wanted) {
            next.computeIfAbsent(id, key -> newIdentity(key, Identity.Kind.MODULE));
        }
        Changes changes = difference(identities, next);
        if (!changes.isEmpty() || !deviceId.equals(this.deviceId)) {
            save(deviceId, next);
        }
        return changes;
    }

    /**
     * Lets a host application connect as module {@code name} of this device.
     *
     * @throws IdentityException when the name is not a valid IoT Hub module id or is taken
     */
    public synchronized Identity addHost(String name) throws IOException {
        checkHostName(name);
        ClientId id = ClientId.module(deviceId, name);
        Identity taken = identities.get(id);
        if (taken != null) {
            throw new IdentityException("'" + name + "' is taken by a " + taken.kind().name().toLowerCase()
                    + " identity; choose another name");
        }
        Identity identity = newIdentity(id, Identity.Kind.HOST);
        Map<ClientId, Identity> next = new LinkedHashMap<>(identities);
        next.put(id, identity);
        save(deviceId, next);
        return identity;
    }

    /**
     * Removes host identity {@code name}; the hub then drops its connections.
     *
     * @return the removed identity, or nothing when there was none of that name
     * @throws IdentityException when {@code name} is a module's: the edge agent removes those
     */
    public synchronized Optional<Identity> removeHost(String name) throws IOException {
        ClientId id = ClientId.module(deviceId, name);
        Identity identity = identities.get(id);
        if (identity == null) {
            return Optional.empty();
        }
        if (identity.kind() != Identity.Kind.HOST) {
            throw new IdentityException("'" + name + "' is a module identity, not a host one: it goes when the"
                    + " deployment no longer has the module");
        }
        Map<ClientId, Identity> next = new LinkedHashMap<>(identities);
        next.remove(id);
        save(deviceId, next);
        return Optional.of(identity);
    }

    /**
     * Gives {@code id} a new key: tokens signed with the old one and certificates issued before now stop working. The
     * caller drops the identity's connections and hands it its new connection string.
     *
     * @throws IdentityException when there is no such identity
     */
    public synchronized Identity rotate(ClientId id) throws IOException {
        Identity old = require(id);
        Identity rotated = new Identity(id, old.kind(), newKey(), old.created(), clock.instant());
        Map<ClientId, Identity> next = new LinkedHashMap<>(identities);
        next.put(id, rotated);
        save(deviceId, next);
        return rotated;
    }

    /**
     * Makes a module identity again: a new key and a new generation id. Tokens signed for the old one, certificates
     * issued to it and workload API calls naming its generation stop working. The caller drops its connections and
     * restarts the module, which learns the new generation from its environment.
     *
     * @throws IdentityException when there is no such identity, or it is a host application's
     */
    public synchronized Identity recreate(ClientId id) throws IOException {
        Identity old = require(id);
        if (old.kind() != Identity.Kind.MODULE) {
            throw new IdentityException("'" + id + "' is a host identity: remove it and add it again instead");
        }
        Instant now = clock.instant();
        // a generation is a tick count: two in the same tick (a coarse or fixed clock) would look like one
        Instant created = now.isAfter(old.created().plusNanos(99)) ? now : old.created().plusNanos(100);
        Identity made = new Identity(id, old.kind(), newKey(), created, created);
        Map<ClientId, Identity> next = new LinkedHashMap<>(identities);
        next.put(id, made);
        save(deviceId, next);
        return made;
    }

    public Optional<Identity> find(ClientId id) {
        return Optional.ofNullable(identities.get(id));
    }

    /** Every identity, devices before their modules, by name. */
    public List<Identity> list() {
        return identities.values().stream()
                .sorted(Comparator.comparing((Identity i) -> i.clientIdentity().deviceId())
                        .thenComparing(i -> i.clientIdentity().moduleId().orElse("")))
                .toList();
    }

    /** The device these identities belong to. */
    public String deviceId() {
        return deviceId;
    }

    /**
     * What a client configures to connect as {@code id}, key included.
     *
     * @throws IdentityException when there is no such identity
     */
    public ConnectionString connectionString(ClientId id, String iotHubHostName, String gatewayHostName) {
        Identity identity = require(id);
        return new ConnectionString(Objects.requireNonNull(iotHubHostName, "iotHubHostName"), id.deviceId(),
                id.moduleId(), identity.key(), Optional.of(Objects.requireNonNull(gatewayHostName, "gatewayHostName")));
    }

    private Identity require(ClientId id) {
        Identity identity = identities.get(id);
        if (identity == null) {
            throw new IdentityException("no identity '" + id + "' on this edge hub");
        }
        return identity;
    }

    private Identity newIdentity(ClientId id, Identity.Kind kind) {
        Instant now = clock.instant();
        return new Identity(id, kind, newKey(), now, now);
    }

    private String newKey() {
        byte[] key = new byte[KEY_BYTES];
        random.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /** Saves first, publishes after: what a client can use is always what a restart would find. */
    private void save(String deviceId, Map<ClientId, Identity> next) throws IOException {
        IdentityFile.of(deviceId, next.values()).write(folder);
        this.identities = Map.copyOf(next);
        this.deviceId = deviceId;
    }

    private static Map<ClientId, Identity> movedTo(String deviceId, Map<ClientId, Identity> identities) {
        Map<ClientId, Identity> moved = new LinkedHashMap<>();
        for (Identity identity : identities.values()) {
            ClientId id = new ClientId(deviceId, identity.clientIdentity().moduleId());
            moved.put(id, new Identity(id, identity.kind(), identity.key(), identity.created(), identity.keyCreated()));
        }
        return moved;
    }

    private static Changes difference(Map<ClientId, Identity> before, Map<ClientId, Identity> after) {
        Set<ClientId> added = new HashSet<>(after.keySet());
        added.removeAll(before.keySet());
        Set<ClientId> removed = new HashSet<>(before.keySet());
        removed.removeAll(after.keySet());
        return new Changes(added, removed);
    }

    private static void checkDeviceId(String deviceId) {
        if (deviceId == null || !IOT_HUB_ID.matcher(deviceId).matches()) {
            throw new IllegalArgumentException("'" + deviceId + "' is not an IoT Hub device id: 1 to 128 of"
                    + " A-Z a-z 0-9 and - : . + % _ # * ? ! ( ) , = @ $ '");
        }
    }

    private static void checkModuleId(String moduleId) {
        if (moduleId == null || !IOT_HUB_ID.matcher(moduleId).matches() || moduleId.startsWith("$")) {
            throw new IllegalArgumentException(notAModuleId(moduleId));
        }
    }

    private static void checkHostName(String name) {
        if (name == null || !IOT_HUB_ID.matcher(name).matches() || name.startsWith("$")) {
            throw new IdentityException(notAModuleId(name));
        }
    }

    private static String notAModuleId(String name) {
        return "'" + name + "' is not a valid module name: 1 to 128 of A-Z a-z 0-9 and - : . + % _ # * ? ! ( ) , = @ $ ',"
                + " not starting with $";
    }
}
