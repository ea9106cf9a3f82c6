package io.eflow.edge.cloud;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.eflow.contract.files.AtomicFile;
import io.eflow.contract.iothub.ConnectionString;
import io.eflow.contract.json.Mappers;
import io.eflow.contract.wire.ProvisioningState;
import io.eflow.contract.wire.RequestException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * The device's provisioning and how its link to IoT Hub stands. A new provisioning is tried against the hub first
 * ({@link HubCheck}) and replaces the saved one only when the hub accepted the device; the state is what the hub
 * said at the last contact.
 */
public final class CloudLink {
    private static final System.Logger LOG = System.getLogger(CloudLink.class.getName());
    private static final ObjectMapper JSON = Mappers.standard();
    private final Path file;
    private final Function<Provisioning, HubCheck> checks;
    private final Clock clock;
    private Provisioning current;
    private final List<Runnable> onChange = new CopyOnWriteArrayList<>();
    private volatile ProvisioningState state = ProvisioningState.notProvisioned();

    /** Tries a provisioning against its hub; throws a {@link CloudException} when the hub says no or cannot be asked. */
    @FunctionalInterface
    public interface HubCheck {
        void verify();
    }

    /**
     * @param folder the link's folder on the data partition ({@code provisioning.json} lives there, 0600)
     * @param checks how a provisioning is tried against its hub
     */
    public CloudLink(Path folder, Function<Provisioning, HubCheck> checks, Clock clock) {
        this.file = folder.resolve("provisioning.json");
        this.checks = checks;
        this.clock = clock;
    }

    /** The check IoT Hub answers: the device reads its own {@code $edgeAgent} module identity. */
    public static HubCheck edgeAgentIdentity(Provisioning provisioning, HubPorts ports, Duration timeout, Clock clock) {
        DeviceScope scope = new DeviceScope(provisioning, ports, timeout, clock);
        ConnectionString device = provisioning.device();
        return () -> {
            if (scope.module("$edgeAgent").isEmpty()) {
                throw CloudException.refused("device '" + device.deviceId() + "' on " + device.hostName()
                        + " has no $edgeAgent module: create it as an IoT Edge device (capabilities.iotEdge)");
            }
        };
    }

    /** Reads the saved provisioning, if any, and contacts its hub once to learn how the link stands. */
    public synchronized void start() {
        Optional<Provisioning> saved = read();
        if (saved.isEmpty()) {
            return;
        }
        current = saved.get();
        contact(current);
        onChange.forEach(Runnable::run);
    }

    /**
     * Provisions the device: tried against the hub, then saved, then current. On any failure the previous
     * provisioning and its state stay as they were.
     *
     * @throws RequestException of kind upstream when the hub refused the device or could not be reached
     */
    public synchronized ProvisioningState provision(Provisioning provisioning) throws IOException {
        try {
            checks.apply(provisioning).verify();
        } catch (CloudException e) {
            throw RequestException.upstream(e.getMessage() + "; the previous provisioning is kept");
        }
        Files.createDirectories(file.getParent());
        AtomicFile.write(file, JSON.writeValueAsBytes(provisioning), AtomicFile.OWNER_ONLY);
        current = provisioning;
        state = connectedState(provisioning);
        LOG.log(System.Logger.Level.INFO, "provisioned: " + provisioning);
        onChange.forEach(Runnable::run);
        return state;
    }

    /** Not synchronized: a show answers at once while a contact with a slow hub is under way. */
    public ProvisioningState state() {
        return state;
    }

    /** Forgets the provisioning and its key; what runs locally goes on. */
    public synchronized ProvisioningState remove() throws IOException {
        Files.deleteIfExists(file);
        if (current != null) {
            LOG.log(System.Logger.Level.INFO, "provisioning removed: " + current);
        }
        current = null;
        state = ProvisioningState.notProvisioned();
        onChange.forEach(Runnable::run);
        return state;
    }

    public synchronized Optional<Provisioning> current() {
        return Optional.ofNullable(current);
    }

    /** Adds a listener called after every change of the provisioning (provisioned, removed), on the changing thread. */
    public void onChange(Runnable listener) {
        onChange.add(listener);
    }

    /** The sessions of {@code provisioning} are up; ignored when it is no longer the current one. */
    public synchronized void connected(Provisioning provisioning) {
        if (provisioning.equals(current)) {
            state = connectedState(provisioning);
        }
    }

    /** The sessions of {@code provisioning} failed with {@code why}; ignored when it is no longer the current one. */
    public synchronized void lost(Provisioning provisioning, CloudException why) {
        if (provisioning.equals(current)) {
            state = failed(provisioning, why);
        }
    }

    private void contact(Provisioning provisioning) {
        try {
            checks.apply(provisioning).verify();
            state = connectedState(provisioning);
        } catch (CloudException e) {
            state = failed(provisioning, e);
            LOG.log(System.Logger.Level.WARNING, "IoT Hub: " + e.getMessage());
        }
    }

    private ProvisioningState failed(Provisioning provisioning, CloudException why) {
        ConnectionString device = provisioning.device();
        return new ProvisioningState(provisioning.type(), device.hostName(), device.deviceId(),
                why.refused() ? ProvisioningState.Link.REFUSED : ProvisioningState.Link.OFFLINE, why.getMessage(), clock.instant());
    }

    private ProvisioningState connectedState(Provisioning provisioning) {
        ConnectionString device = provisioning.device();
        return new ProvisioningState(provisioning.type(), device.hostName(), device.deviceId(),
                ProvisioningState.Link.CONNECTED, null, clock.instant());
    }

    private Optional<Provisioning> read() {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(file.toFile(), Provisioning.class));
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "the saved provisioning in " + file + " is unusable, so the device is not"
                    + " connected to IoT Hub: " + e.getMessage());
            return Optional.empty();
        }
    }
}
