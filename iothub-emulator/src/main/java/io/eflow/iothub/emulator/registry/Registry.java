package io.eflow.iothub.emulator.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eflow.contract.files.AtomicFile;
import io.eflow.contract.json.Mappers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The hub's identity registry and twins: devices, their modules, each with a twin, and the {@code iothubowner} policy
 * key. One lock over all of it (a hub for tests and one developer's devices, not millions), and every change written
 * to {@code registry.json} atomically before it is answered, so identities, keys and twins survive a restart.
 *
 * <p>As IoT Hub does, making an edge device ({@code capabilities.iotEdge}) makes its {@code $edgeAgent} and
 * {@code $edgeHub} module identities, and a deployment ({@link #applyConfigurationContent}) sets the desired
 * properties of each module it names, now for those that exist and at creation for those IoT Edge makes later.
 */
public final class Registry {
    public static final String EDGE_AGENT = "$edgeAgent";
    public static final String EDGE_HUB = "$edgeHub";
    static final String FILE = "registry.json";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What is written to disk. */
    /** @param caCertificates PEM by name; absent in files written before there were any */
    record State(String ownerKey, List<StoredDevice> devices, Map<String, String> caCertificates) {
    }

    record StoredDevice(DeviceIdentity device, TwinState twin, List<StoredModule> modules,
                        Map<String, ObjectNode> configurationContent) {
    }

    record StoredModule(ModuleIdentity module, TwinState twin) {
    }

    private static final class DeviceEntry {
        DeviceIdentity identity;
        TwinState twin;
        final Map<String, ModuleEntry> modules = new LinkedHashMap<>();
        /** The last deployment's desired properties per module, for modules not made yet. */
        final Map<String, ObjectNode> configurationContent = new LinkedHashMap<>();

        DeviceEntry(DeviceIdentity identity, TwinState twin) {
            this.identity = identity;
            this.twin = twin;
        }
    }

    private static final class ModuleEntry {
        ModuleIdentity identity;
        TwinState twin;

        ModuleEntry(ModuleIdentity identity, TwinState twin) {
            this.identity = identity;
            this.twin = twin;
        }
    }

    private final Optional<Path> file;
    private final Clock clock;
    private final ObjectMapper json = Mappers.standard();
    private final String ownerKey;
    private final Map<String, DeviceEntry> devices = new LinkedHashMap<>();
    /** CA certificates (PEM) that devices of type certificateAuthority may chain to, by name. */
    private final Map<String, String> caCertificates = new LinkedHashMap<>();
    private final List<Consumer<RegistryEvent>> listeners = new CopyOnWriteArrayList<>();

    private Registry(Optional<Path> file, Clock clock, String ownerKey) {
        this.file = file;
        this.clock = clock;
        this.ownerKey = ownerKey;
    }

    /** The registry kept in {@code folder} (made when missing); a new one with a fresh policy key the first time. */
    public static Registry open(Path folder, Clock clock) throws IOException {
        Path path = folder.resolve(FILE);
        if (!Files.exists(path)) {
            Files.createDirectories(folder);
            Registry registry = new Registry(Optional.of(path), clock, newKey());
            registry.save();
            return registry;
        }
        State state = Mappers.standard().readValue(path.toFile(), State.class);
        Registry registry = new Registry(Optional.of(path), clock, state.ownerKey());
        if (state.caCertificates() != null) {
            registry.caCertificates.putAll(state.caCertificates());
        }
        for (StoredDevice stored : state.devices()) {
            DeviceEntry entry = new DeviceEntry(stored.device(), stored.twin());
            for (StoredModule module : stored.modules()) {
                entry.modules.put(module.module().moduleId(), new ModuleEntry(module.module(), module.twin()));
            }
            entry.configurationContent.putAll(stored.configurationContent());
            registry.devices.put(stored.device().deviceId(), entry);
        }
        return registry;
    }

    /** A registry that lives in memory only. */
    public static Registry inMemory(Clock clock) {
        return new Registry(Optional.empty(), clock, newKey());
    }

    /** A new random symmetric key: 32 bytes in base64, as IoT Hub generates them. */
    public static String newKey() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    public String ownerKey() {
        return ownerKey;
    }

    public void addListener(Consumer<RegistryEvent> listener) {
        listeners.add(listener);
    }

    // ---- devices

    /**
     * Creates the device, or updates it when {@code ifMatch} is given ({@code *} or its current ETag), as IoT Hub's
     * {@code PUT /devices/{id}} does.
     *
     * @throws HubException 409 when it exists and no If-Match came, 412 when the ETag is not its current one
     */
    public synchronized DeviceIdentity putDevice(DeviceSpec spec, Optional<String> ifMatch) {
        String id = Ids.check("device", spec.deviceId());
        DeviceEntry entry = devices.get(id);
        if (entry == null) {
            Credentials credentials = completed(spec.credentials());
            DeviceIdentity device = new DeviceIdentity(id, generationId(), 1, spec.enabled().orElse(true),
                    spec.statusReason().orElse(""), clock.instant(), spec.iotEdge().orElse(false), credentials);
            entry = new DeviceEntry(device, TwinState.empty());
            devices.put(id, entry);
            if (device.iotEdge()) {
                addEdgeModules(entry);
            }
            save();
            return device;
        }
        if (ifMatch.isEmpty()) {
            throw new HubException(409, "DeviceAlreadyExists", "A device with id '" + id + "' already exists.");
        }
        requireEtag(ifMatch.get(), etag(entry.identity.etagVersion()), "device '" + id + "'");
        DeviceIdentity old = entry.identity;
        boolean enabled = spec.enabled().orElse(old.enabled());
        Credentials credentials = spec.credentials().map(c -> updated(c, old.credentials())).orElse(old.credentials());
        DeviceIdentity device = new DeviceIdentity(id, old.generationId(), old.etagVersion() + 1, enabled,
                spec.statusReason().orElse(old.statusReason()),
                enabled == old.enabled() ? old.statusUpdatedTime() : clock.instant(),
                spec.iotEdge().orElse(old.iotEdge()), credentials);
        entry.identity = device;
        if (device.iotEdge()) {
            addEdgeModules(entry);
        }
        save();
        if (!enabled && old.enabled()) {
            revokeDeviceAndModules(entry);
        } else if (!credentials.equals(old.credentials())) {
            fire(new RegistryEvent.AccessRevoked(IdentityRef.device(id)));
        }
        return device;
    }

    public synchronized DeviceIdentity device(String deviceId) {
        return entry(deviceId).identity;
    }

    public synchronized List<DeviceIdentity> devices() {
        return devices.values().stream().map(e -> e.identity).toList();
    }

    public synchronized void deleteDevice(String deviceId, Optional<String> ifMatch) {
        DeviceEntry entry = entry(deviceId);
        if (ifMatch.isPresent()) {
            requireEtag(ifMatch.get(), etag(entry.identity.etagVersion()), "device '" + deviceId + "'");
        }
        devices.remove(deviceId);
        save();
        revokeDeviceAndModules(entry);
    }

    // ---- modules

    /** Creates the module, or updates its credentials when {@code ifMatch} is given; same rules as devices. */
    public synchronized ModuleIdentity putModule(String deviceId, String moduleId, Optional<Credentials> credentials,
                                                 Optional<String> managedBy, Optional<String> ifMatch) {
        DeviceEntry device = entry(deviceId);
        Ids.check("module", moduleId);
        ModuleEntry entry = device.modules.get(moduleId);
        if (entry == null) {
            ModuleIdentity module = new ModuleIdentity(deviceId, moduleId, generationId(), 1,
                    managedBy.orElse(""), completed(credentials));
            TwinState twin = TwinState.empty();
            ObjectNode deployed = device.configurationContent.get(moduleId);
            if (deployed != null) {
                twin = twin.replaceDesired(deployed);
            }
            device.modules.put(moduleId, new ModuleEntry(module, twin));
            save();
            return module;
        }
        if (ifMatch.isEmpty()) {
            throw new HubException(409, "ModuleAlreadyExistsOnDevice", "A module with id '" + moduleId
                    + "' already exists on device '" + deviceId + "'.");
        }
        requireEtag(ifMatch.get(), etag(entry.identity.etagVersion()), "module '" + deviceId + "/" + moduleId + "'");
        ModuleIdentity old = entry.identity;
        Credentials next = credentials.map(c -> updated(c, old.credentials())).orElse(old.credentials());
        entry.identity = new ModuleIdentity(deviceId, moduleId, old.generationId(), old.etagVersion() + 1,
                managedBy.orElse(old.managedBy()), next);
        save();
        if (!next.equals(old.credentials())) {
            fire(new RegistryEvent.AccessRevoked(old.ref()));
        }
        return entry.identity;
    }

    public synchronized ModuleIdentity module(String deviceId, String moduleId) {
        return moduleEntry(deviceId, moduleId).identity;
    }

    public synchronized List<ModuleIdentity> modules(String deviceId) {
        return entry(deviceId).modules.values().stream().map(m -> m.identity).toList();
    }

    public synchronized void deleteModule(String deviceId, String moduleId, Optional<String> ifMatch) {
        ModuleEntry entry = moduleEntry(deviceId, moduleId);
        if (ifMatch.isPresent()) {
            requireEtag(ifMatch.get(), etag(entry.identity.etagVersion()), "module '" + deviceId + "/" + moduleId + "'");
        }
        devices.get(deviceId).modules.remove(moduleId);
        save();
        fire(new RegistryEvent.AccessRevoked(entry.identity.ref()));
    }

    // ---- CA certificates

    /**
     * Registers a CA for {@code certificateAuthority} devices. IoT Hub asks for proof of possession first; the
     * emulator takes the word of whoever holds the service policy.
     */
    public synchronized void putCaCertificate(String name, String pem) {
        Ids.check("certificate", name);
        caCertificates.put(name, pem);
        save();
    }

    public synchronized Map<String, String> caCertificates() {
        return Map.copyOf(caCertificates);
    }

    // ---- access

    /** The identity's credentials and state, if it exists. */
    public synchronized Optional<Access> access(IdentityRef ref) {
        DeviceEntry device = devices.get(ref.deviceId());
        if (device == null) {
            return Optional.empty();
        }
        if (ref.moduleId().isEmpty()) {
            return Optional.of(new Access(ref, device.identity.enabled(), device.identity.iotEdge(),
                    device.identity.credentials()));
        }
        ModuleEntry module = device.modules.get(ref.moduleId().get());
        return Optional.ofNullable(module).map(m -> new Access(ref, device.identity.enabled(),
                device.identity.iotEdge(), m.identity.credentials()));
    }

    // ---- twins

    public synchronized TwinState twin(IdentityRef ref) {
        return ref.moduleId().isEmpty() ? entry(ref.deviceId()).twin : moduleEntry(ref.deviceId(), ref.moduleId().get()).twin;
    }

    /**
     * A service-side twin update: tags and desired merged in ({@code PATCH /twins/…}); a desired change reaches the
     * connected device.
     *
     * @param ifMatch the twin's ETag, or {@code *}
     */
    public synchronized TwinState patchTwin(IdentityRef ref, Optional<ObjectNode> tags, Optional<ObjectNode> desired,
                                            Optional<String> ifMatch) {
        TwinState twin = twin(ref);
        if (ifMatch.isPresent()) {
            requireEtag(ifMatch.get(), twin.etag(), "the twin of '" + ref + "'");
        }
        TwinState next = twin;
        if (tags.isPresent()) {
            next = next.patchTags(tags.get());
        }
        if (desired.isPresent()) {
            next = next.patchDesired(desired.get());
        }
        setTwin(ref, next);
        save();
        if (desired.isPresent()) {
            ObjectNode patch = desired.get().deepCopy();
            patch.put("$version", next.desiredVersion());
            fire(new RegistryEvent.DesiredChanged(ref, patch));
        }
        return next;
    }

    /** A device's reported patch; answers the new reported {@code $version}. */
    public synchronized long patchReported(IdentityRef ref, ObjectNode patch) {
        TwinState next = twin(ref).patchReported(patch);
        setTwin(ref, next);
        save();
        return next.reportedVersion();
    }

    /**
     * IoT Hub's {@code applyConfigurationContent}: each module's desired properties replaced by the deployment's
     * {@code properties.desired} ({@code $edgeAgent}'s and {@code $edgeHub}'s included), the connected modules told.
     *
     * @param modulesContent {@code {"$edgeAgent": {"properties.desired": {…}}, …}}
     * @throws HubException 400 for a device that is not an edge device or content without {@code $edgeAgent}
     */
    public synchronized void applyConfigurationContent(String deviceId, ObjectNode modulesContent) {
        DeviceEntry device = entry(deviceId);
        if (!device.identity.iotEdge()) {
            throw HubException.badRequest("Device '" + deviceId + "' is not an IoT Edge device: configuration content"
                    + " applies to edge devices only.");
        }
        if (!modulesContent.has(EDGE_AGENT) || !modulesContent.has(EDGE_HUB)) {
            throw HubException.badRequest("The configuration content must set both " + EDGE_AGENT + " and " + EDGE_HUB + ".");
        }
        Map<String, ObjectNode> content = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = modulesContent.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> module = it.next();
            JsonNode desired = module.getValue().path("properties.desired");
            if (!desired.isObject()) {
                throw HubException.badRequest("Module '" + module.getKey() + "' of the configuration content has no"
                        + " 'properties.desired' object.");
            }
            // checked against the limits before anything changes
            TwinState.empty().replaceDesired((ObjectNode) desired);
            content.put(module.getKey(), (ObjectNode) desired);
        }
        List<RegistryEvent> events = new ArrayList<>();
        device.configurationContent.clear();
        device.configurationContent.putAll(content);
        for (Map.Entry<String, ObjectNode> module : content.entrySet()) {
            ModuleEntry entry = device.modules.get(module.getKey());
            if (entry == null) {
                continue;
            }
            entry.twin = entry.twin.replaceDesired(module.getValue());
            events.add(new RegistryEvent.DesiredChanged(entry.identity.ref(), entry.twin.desiredDocument()));
        }
        save();
        events.forEach(this::fire);
    }

    public static String etag(long version) {
        return Base64.getEncoder().encodeToString(Long.toString(version).getBytes(StandardCharsets.US_ASCII));
    }

    // ---- inside

    private void addEdgeModules(DeviceEntry device) {
        for (String system : List.of(EDGE_AGENT, EDGE_HUB)) {
            device.modules.computeIfAbsent(system, id -> new ModuleEntry(new ModuleIdentity(device.identity.deviceId(), id,
                    generationId(), 1, "IotEdge", Credentials.sas(newKey(), newKey())), TwinState.empty()));
        }
    }

    private void revokeDeviceAndModules(DeviceEntry entry) {
        fire(new RegistryEvent.AccessRevoked(IdentityRef.device(entry.identity.deviceId())));
        entry.modules.values().forEach(m -> fire(new RegistryEvent.AccessRevoked(m.identity.ref())));
    }

    private void setTwin(IdentityRef ref, TwinState twin) {
        if (ref.moduleId().isEmpty()) {
            entry(ref.deviceId()).twin = twin;
        } else {
            moduleEntry(ref.deviceId(), ref.moduleId().get()).twin = twin;
        }
    }

    private DeviceEntry entry(String deviceId) {
        DeviceEntry entry = devices.get(deviceId);
        if (entry == null) {
            throw HubException.deviceNotFound(deviceId);
        }
        return entry;
    }

    private ModuleEntry moduleEntry(String deviceId, String moduleId) {
        ModuleEntry entry = entry(deviceId).modules.get(moduleId);
        if (entry == null) {
            throw HubException.moduleNotFound(deviceId, moduleId);
        }
        return entry;
    }

    private static void requireEtag(String ifMatch, String current, String what) {
        String given = ifMatch.strip();
        if (given.length() >= 2 && given.startsWith("\"") && given.endsWith("\"")) {
            given = given.substring(1, given.length() - 1);
        }
        if (!given.equals("*") && !given.equals(current)) {
            throw HubException.preconditionFailed(what);
        }
    }

    /** SAS credentials without keys get fresh ones, as IoT Hub generates them. */
    private static Credentials completed(Optional<Credentials> given) {
        Credentials credentials = given.orElse(new Credentials(AuthType.SAS, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty()));
        if (credentials.type() != AuthType.SAS) {
            return credentials;
        }
        return Credentials.sas(credentials.primaryKey().filter(k -> !k.isEmpty()).orElseGet(Registry::newKey),
                credentials.secondaryKey().filter(k -> !k.isEmpty()).orElseGet(Registry::newKey));
    }

    /**
     * Credentials of an update: SAS keys it leaves empty keep their values (the SDKs send an update with empty keys
     * when the caller named none), a change of type takes what it gives.
     */
    private static Credentials updated(Credentials given, Credentials old) {
        if (given.type() != AuthType.SAS || old.type() != AuthType.SAS) {
            return completed(Optional.of(given));
        }
        return Credentials.sas(given.primaryKey().filter(k -> !k.isEmpty()).orElse(old.primaryKey().orElseThrow()),
                given.secondaryKey().filter(k -> !k.isEmpty()).orElse(old.secondaryKey().orElseThrow()));
    }

    private String generationId() {
        return Long.toString(clock.millis() * 10_000 + RANDOM.nextInt(10_000));
    }

    private void fire(RegistryEvent event) {
        listeners.forEach(listener -> listener.accept(event));
    }

    private void save() {
        if (file.isEmpty()) {
            return;
        }
        List<StoredDevice> stored = new ArrayList<>();
        for (DeviceEntry device : devices.values()) {
            List<StoredModule> modules = device.modules.values().stream()
                    .map(m -> new StoredModule(m.identity, m.twin)).toList();
            stored.add(new StoredDevice(device.identity, device.twin, modules, Map.copyOf(device.configurationContent)));
        }
        try {
            AtomicFile.write(file.get(), json.writerWithDefaultPrettyPrinter().writeValueAsBytes(new State(ownerKey, stored, Map.copyOf(caCertificates))),
                    AtomicFile.OWNER_ONLY);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the registry to " + file.get(), e);
        }
    }
}
