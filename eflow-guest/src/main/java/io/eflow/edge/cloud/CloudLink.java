package io.eflow.edge.cloud;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.eflow.contract.files.AtomicFile;
import io.eflow.contract.iothub.SigningKey;
import io.eflow.contract.json.Mappers;
import io.eflow.contract.wire.ProvisioningState;
import io.eflow.contract.wire.RequestException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The device's provisioning and how its link to IoT Hub stands.
 *
 * <p>A new provisioning is a transaction: a DPS type is registered with DPS first, then the identity it gives (or a
 * manual type's) is tried against the hub ({@link HubCheck}), and only then replaces the saved one. Anything refused
 * leaves the previous provisioning and its state as they were. One exception, as IoT Edge has it: a DPS that cannot be
 * reached is no refusal of the device, so the provisioning is kept and registered in the background, with back-off,
 * until DPS answers ({@code registering} in the state meanwhile).
 *
 * <p>DPS's assignment is kept beside the provisioning ({@code dps-assignment.json}), so a restart reconnects without
 * asking DPS. When the hub refuses an assigned device (it was moved to another hub, or deleted), the device registers
 * again and follows DPS's new assignment.
 */
public final class CloudLink implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(CloudLink.class.getName());
    private static final ObjectMapper JSON = Mappers.standard();
    private final Path file;
    private final Path assignmentFile;
    private final Path moduleSecretFile;
    private final Function<CloudIdentity, HubCheck> checks;
    private final Registrar registrar;
    private final Backoff backoff;
    private final Clock clock;
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "dps-registration");
        thread.setDaemon(true);
        return thread;
    });
    private Provisioning current;
    private CloudIdentity identity;
    private DpsClient.Assignment assignment;
    private ScheduledFuture<?> pending;
    private int failures;
    private final List<Runnable> onChange = new CopyOnWriteArrayList<>();
    private volatile ProvisioningState state = ProvisioningState.notProvisioned();

    /** Tries an identity against its hub; throws a {@link CloudException} when the hub says no or cannot be asked. */
    @FunctionalInterface
    public interface HubCheck {
        void verify();
    }

    /** DPS, as the link uses it: registering a provisioning, and the key a kept assignment signs with. */
    public interface Registrar {
        /** @throws CloudException refused when DPS said no, unreachable when it could not be asked */
        Registered register(Provisioning provisioning);

        /** The device's key for a kept assignment (symmetric key, the TPM's); empty for a certificate device. */
        Optional<SigningKey> keptKey(Provisioning provisioning);

        /** Undoes what registering left on the device (the key imported into the TPM). */
        void forget(Provisioning provisioning);
    }

    /** What a registration brought: the assignment, and the key the device signs with (none for X.509). */
    public record Registered(DpsClient.Assignment assignment, Optional<SigningKey> key) {
    }

    /** How long to wait before the n-th retry of a registration: {@code first}, doubling, at most {@code longest}. */
    public record Backoff(Duration first, Duration longest) {
        public static final Backoff STANDARD = new Backoff(Duration.ofSeconds(2), Duration.ofMinutes(2));

        Duration after(int failures) {
            Duration wait = first.multipliedBy(1L << Math.min(Math.max(failures - 1, 0), 20));
            return wait.compareTo(longest) > 0 ? longest : wait;
        }
    }

    /**
     * @param folder the link's folder on the data partition (its files are 0600)
     * @param checks how an identity is tried against its hub
     */
    public CloudLink(Path folder, Function<CloudIdentity, HubCheck> checks, Registrar registrar, Backoff backoff, Clock clock) {
        this.file = folder.resolve("provisioning.json");
        this.assignmentFile = folder.resolve("dps-assignment.json");
        this.moduleSecretFile = folder.resolve("module-secret");
        this.checks = checks;
        this.registrar = registrar;
        this.backoff = backoff;
        this.clock = clock;
    }

    /** The check IoT Hub answers: the device reads its own {@code $edgeAgent} module identity. */
    public static HubCheck edgeAgentIdentity(CloudIdentity identity, HubPorts ports, Duration timeout, Clock clock) {
        DeviceScope scope = new DeviceScope(identity, ports, timeout, clock);
        return () -> {
            if (scope.module("$edgeAgent").isEmpty()) {
                throw CloudException.refused("device '" + identity.deviceId() + "' on " + identity.hostName()
                        + " has no $edgeAgent module: create it as an IoT Edge device (capabilities.iotEdge)");
            }
        };
    }

    /** Reads the saved provisioning, if any, and contacts its hub once (or DPS, when it has no assignment yet). */
    public synchronized void start() {
        Optional<Provisioning> saved = read(file, Provisioning.class);
        if (saved.isEmpty()) {
            return;
        }
        current = saved.get();
        if (current.type().dps()) {
            assignment = read(assignmentFile, DpsClient.Assignment.class).orElse(null);
            Optional<SigningKey> key;
            try {
                key = assignment == null ? Optional.empty() : registrar.keptKey(current);
            } catch (CloudException e) {
                // the key is where the guest cannot reach it now (the TPM feature turned off): said, not thrown away
                state = withDps(new ProvisioningState(current.type(), assignment.hub(), assignment.deviceId(),
                        ProvisioningState.Link.REFUSED, e.getMessage(), clock.instant()), e);
                LOG.log(System.Logger.Level.WARNING, "IoT Hub: " + e.getMessage());
                return;
            }
            if (assignment == null || (key.isEmpty() && current.certificate().isEmpty())) {
                // no assignment yet, or the TPM no longer holds the key DPS gave: DPS is asked (again)
                assignment = null;
                schedule(Duration.ZERO);
                state = registering(null);
                return;
            }
            identity = current.assignedIdentity(assignment, key, this::moduleSecret);
        } else {
            identity = current.manualIdentity(this::moduleSecret).orElseThrow();
        }
        contact(identity);
        onChange.forEach(Runnable::run);
    }

    /**
     * Provisions the device. On any refusal the previous provisioning and its state stay as they were.
     *
     * @throws RequestException of kind upstream when DPS or the hub refused the device, or the hub could not be reached
     */
    public synchronized ProvisioningState provision(Provisioning provisioning) throws IOException {
        Registered registered = null;
        CloudIdentity candidate;
        if (provisioning.type().dps()) {
            try {
                registered = registrar.register(provisioning);
            } catch (CloudException e) {
                if (e.refused()) {
                    throw RequestException.upstream(e.getMessage() + "; the previous provisioning is kept");
                }
                // DPS is down or slow: the device is not refused, so the provisioning stands and is retried
                replace(provisioning, null, null);
                failures = 1;
                schedule(backoff.after(failures));
                state = registering(e);
                LOG.log(System.Logger.Level.WARNING, "provisioned " + provisioning + ", but DPS cannot be reached yet: " + e.getMessage());
                onChange.forEach(Runnable::run);
                return state;
            }
            candidate = provisioning.assignedIdentity(registered.assignment(), registered.key(), this::moduleSecret);
        } else {
            candidate = provisioning.manualIdentity(this::moduleSecret).orElseThrow();
        }
        try {
            checks.apply(candidate).verify();
        } catch (CloudException e) {
            throw RequestException.upstream(e.getMessage() + "; the previous provisioning is kept");
        }
        replace(provisioning, candidate, registered == null ? null : registered.assignment());
        state = connectedState();
        LOG.log(System.Logger.Level.INFO, "provisioned: " + provisioning + " as " + candidate);
        onChange.forEach(Runnable::run);
        return state;
    }

    /**
     * Replaces the X.509 device's certificate and key, tried against the hub first; nothing is redeployed.
     *
     * @throws RequestException bad input when the device has no certificate to renew; upstream when the hub refused it
     */
    public synchronized ProvisioningState renew(X509Identity renewed) throws IOException {
        if (current == null || current.certificate().isEmpty()) {
            throw RequestException.badRequest("only an X.509 provisioning (manual-x509, dps-x509) has a certificate to renew");
        }
        if (identity == null) {
            throw RequestException.upstream("the device has no hub yet (DPS has not assigned it): renew once it has");
        }
        CloudIdentity candidate = CloudIdentity.withCertificate(identity.hostName(), identity.deviceId(), renewed,
                identity.moduleKeys(), identity.trust());
        try {
            checks.apply(candidate).verify();
        } catch (CloudException e) {
            throw RequestException.upstream(e.getMessage() + "; the previous certificate is kept");
        }
        replace(current.renewed(renewed), candidate, assignment);
        state = connectedState();
        LOG.log(System.Logger.Level.INFO, "renewed the certificate of " + candidate + ", valid until " + renewed.notAfter());
        onChange.forEach(Runnable::run);
        return state;
    }

    /** Not synchronized: a show answers at once while a contact with a slow hub is under way. */
    public ProvisioningState state() {
        return state;
    }

    /** Forgets the provisioning, its keys and DPS's assignment; what runs locally goes on. */
    public synchronized ProvisioningState remove() throws IOException {
        cancelRetry();
        Files.deleteIfExists(file);
        Files.deleteIfExists(assignmentFile);
        Files.deleteIfExists(moduleSecretFile);
        if (current != null) {
            if (current.type().dps()) {
                try {
                    registrar.forget(current);
                } catch (CloudException e) {
                    // removing never fails for what is left elsewhere: said, and the provisioning goes all the same
                    LOG.log(System.Logger.Level.WARNING, "the provisioning is removed, but what DPS left on the device is"
                            + " not: " + e.getMessage());
                }
            }
            LOG.log(System.Logger.Level.INFO, "provisioning removed: " + current);
        }
        current = null;
        identity = null;
        assignment = null;
        state = ProvisioningState.notProvisioned();
        onChange.forEach(Runnable::run);
        return state;
    }

    /** The device's identity in IoT Hub; empty when not provisioned, or while DPS has not assigned it. */
    public synchronized Optional<CloudIdentity> current() {
        return Optional.ofNullable(identity);
    }

    /** Adds a listener called after every change of the identity (provisioned, assigned, removed), on the changing thread. */
    public void onChange(Runnable listener) {
        onChange.add(listener);
    }

    /** The sessions of {@code connected} are up; ignored when it is no longer the current identity. */
    public synchronized void connected(CloudIdentity connected) {
        if (connected.equals(identity)) {
            failures = 0;
            state = connectedState();
        }
    }

    /**
     * The sessions of {@code lost} failed with {@code why}; ignored when it is no longer the current identity. A hub
     * that refuses a DPS device sends it back to DPS, which may have moved it.
     */
    public synchronized void lost(CloudIdentity lost, CloudException why) {
        if (lost.equals(identity)) {
            state = failed(why);
            if (why.refused() && current.type().dps() && pending == null) {
                failures++;
                schedule(backoff.after(failures));
            }
        }
    }

    @Override
    public void close() {
        retries.shutdownNow();
    }

    private void schedule(Duration delay) {
        cancelRetry();
        Provisioning registering = current;
        pending = retries.schedule(() -> registerAgain(registering), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void cancelRetry() {
        if (pending != null) {
            pending.cancel(false);
            pending = null;
        }
    }

    /** A background registration: the first one DPS answers, or DPS asked again after the hub refused the device. */
    private void registerAgain(Provisioning provisioning) {
        Registered registered;
        try {
            registered = registrar.register(provisioning);
        } catch (CloudException e) {
            synchronized (this) {
                if (provisioning != current) {
                    return;
                }
                pending = null;
                failures++;
                Duration wait = backoff.after(failures);
                schedule(wait);
                state = identity == null ? registering(e) : withDps(state, e);
                LOG.log(System.Logger.Level.WARNING, "DPS registration of " + provisioning + " failed (retried in "
                        + wait.toSeconds() + " s): " + e.getMessage());
            }
            return;
        }
        synchronized (this) {
            if (provisioning != current) {
                return;
            }
            pending = null;
            boolean moved = assignment == null || !registered.assignment().hub().equals(assignment.hub())
                    || !registered.assignment().deviceId().equals(assignment.deviceId());
            CloudIdentity assigned = provisioning.assignedIdentity(registered.assignment(), registered.key(), this::moduleSecret);
            try {
                replace(provisioning, assigned, registered.assignment());
            } catch (IOException e) {
                LOG.log(System.Logger.Level.ERROR, "cannot keep DPS's assignment: " + e.getMessage());
            }
            LOG.log(System.Logger.Level.INFO, "DPS assigned " + provisioning + " to " + assigned
                    + (moved ? "" : " (unchanged)"));
            contact(assigned);
            onChange.forEach(Runnable::run);
        }
    }

    private void replace(Provisioning provisioning, CloudIdentity newIdentity, DpsClient.Assignment newAssignment)
            throws IOException {
        Files.createDirectories(file.getParent());
        AtomicFile.write(file, JSON.writeValueAsBytes(provisioning), AtomicFile.OWNER_ONLY);
        if (newAssignment == null) {
            Files.deleteIfExists(assignmentFile);
        } else {
            AtomicFile.write(assignmentFile, JSON.writeValueAsBytes(newAssignment), AtomicFile.OWNER_ONLY);
        }
        if (provisioning != current) {
            cancelRetry();
            failures = 0;
        }
        current = provisioning;
        identity = newIdentity;
        assignment = newAssignment;
    }

    /**
     * What a certificate device's module keys derive from: made once and kept, so the modules keep their keys across
     * restarts and certificate renewals.
     */
    private SigningKey moduleSecret() {
        try {
            if (!Files.exists(moduleSecretFile)) {
                Files.createDirectories(moduleSecretFile.getParent());
                AtomicFile.write(moduleSecretFile, CloudIdentity.newModuleSecret().getBytes(StandardCharsets.US_ASCII),
                        AtomicFile.OWNER_ONLY);
            }
            return SigningKey.base64(Files.readString(moduleSecretFile, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new IllegalStateException("cannot keep the module key secret in " + moduleSecretFile + ": " + e.getMessage(), e);
        }
    }

    private void contact(CloudIdentity contacted) {
        try {
            checks.apply(contacted).verify();
            state = connectedState();
        } catch (CloudException e) {
            state = failed(e);
            LOG.log(System.Logger.Level.WARNING, "IoT Hub: " + e.getMessage());
        }
    }

    private ProvisioningState failed(CloudException why) {
        return withDps(new ProvisioningState(current.type(), identity.hostName(), identity.deviceId(),
                why.refused() ? ProvisioningState.Link.REFUSED : ProvisioningState.Link.OFFLINE, why.getMessage(), clock.instant()), null);
    }

    private ProvisioningState connectedState() {
        return withDps(new ProvisioningState(current.type(), identity.hostName(), identity.deviceId(),
                ProvisioningState.Link.CONNECTED, null, clock.instant()), null);
    }

    /** Waiting for DPS's first assignment; {@code why} the last attempt failed, null before the first. */
    private ProvisioningState registering(CloudException why) {
        return withDps(new ProvisioningState(current.type(), null, null, ProvisioningState.Link.REGISTERING,
                why == null ? null : why.getMessage(), clock.instant()), why);
    }

    /** Adds how the DPS registration stands, for DPS types; {@code why} the last registration failed, if it did. */
    private ProvisioningState withDps(ProvisioningState link, CloudException why) {
        Provisioning provisioning = current;
        if (provisioning == null || !provisioning.type().dps()) {
            return link;
        }
        var spec = provisioning.spec();
        String registrationId = assignment != null ? assignment.registrationId() : spec.registrationId();
        String status = why == null ? (assignment != null ? "assigned" : "registering")
                : why.refused() ? "failed" : "unreachable";
        String error = why == null ? null : why.getMessage();
        Instant next = pending == null ? null : clock.instant().plusMillis(Math.max(pending.getDelay(TimeUnit.MILLISECONDS), 0));
        return link.withDps(new ProvisioningState.Registration(spec.globalEndpoint(), spec.scopeId(), registrationId, status,
                assignment == null ? null : assignment.substatus(), error, assignment == null ? null : assignment.at(), next));
    }

    private static <T> Optional<T> read(Path path, Class<T> type) {
        if (!Files.exists(path)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(path.toFile(), type));
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, path + " is unusable, so the device is not connected to IoT Hub: " + e.getMessage());
            return Optional.empty();
        }
    }
}
