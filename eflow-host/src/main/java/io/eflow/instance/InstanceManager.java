package io.eflow.instance;

import io.eflow.backend.Backend;
import io.eflow.backend.GuestLinks;
import io.eflow.backend.namespace.NamespaceBackend;
import io.eflow.backend.qemu.HostAcceleration;
import io.eflow.backend.qemu.QemuBackend;
import io.eflow.boot.DiskGrowth;
import io.eflow.boot.GuestDisks;
import io.eflow.channel.ClientIdentity;
import io.eflow.channel.CommandResult;
import io.eflow.channel.GuestHostKey;
import io.eflow.channel.GuestTunnel;
import io.eflow.channel.HostKeyPin;
import io.eflow.channel.TerminalResize;
import io.eflow.daemon.api.ConnectInfo;
import io.eflow.daemon.api.DeployRequest;
import io.eflow.daemon.api.FirewallView;
import io.eflow.daemon.api.GuestAddress;
import io.eflow.daemon.api.InstanceDetails;
import io.eflow.daemon.api.InstanceSummary;
import io.eflow.daemon.api.KeysRotated;
import io.eflow.daemon.api.SetRequest;
import io.eflow.daemon.api.TpmProvisioningInfo;
import io.eflow.firewall.FirewallRule;
import io.eflow.firewall.GuestFirewall;
import io.eflow.firewall.GuestSecurity;
import io.eflow.host.HostInfo;
import io.eflow.host.HostName;
import io.eflow.image.GuestImage;
import io.eflow.image.ImageVerifier;
import io.eflow.image.TrustStore;
import io.eflow.instance.model.BackendKind;
import io.eflow.instance.model.Feature;
import io.eflow.instance.model.InstanceConfig;
import io.eflow.instance.model.InstanceLayout;
import io.eflow.instance.model.InstanceName;
import io.eflow.instance.model.NetworkConfig;
import io.eflow.instance.model.PowerState;
import io.eflow.instance.model.SerialPort;
import io.eflow.instance.model.SharedFolder;
import io.eflow.instance.model.Slot;
import io.eflow.instance.model.StaticIp;
import io.eflow.platform.EflowException;
import io.eflow.platform.EflowPaths;
import io.eflow.platform.FileTrees;
import io.eflow.platform.InvalidValue;
import io.eflow.platform.Privileges;
import io.eflow.platform.Progress;
import io.eflow.tpm.EndorsementKey;
import io.eflow.tpm.TpmPassthrough;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Owns the instances on this host: the daemon's single entry point for every command. Commands on one instance
 * run one at a time (a per-instance lock); reads of a running guest go through pooled SSH connections.
 */
public final class InstanceManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InstanceManager.class);
    private static final Duration STOP_GRACE = Duration.ofSeconds(15);
    private static final Duration SSH_READY = Duration.ofSeconds(120);
    private static final Duration TUNNEL_OPEN = Duration.ofSeconds(15);
    /** A console terminal ends after this long however busy, as a browser session does. */
    private static final Duration TERMINAL_MAX = Duration.ofHours(12);

    private final EflowPaths paths;
    private final InstanceStore store;
    private final GuestAccess access;
    private final GuestInspector inspector;
    private final Deployer deployer;
    private final NetworkAllocator networks = new NetworkAllocator();
    private final Map<BackendKind, Backend> backends;
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
    private final ReentrantLock deployLock = new ReentrantLock();
    private final HostAcceleration acceleration = new HostAcceleration();
    private final TpmPassthrough tpm;
    private final HostResources hostResources;
    private final HostNetworks hostNetworks;
    private final Endpoints endpoints;
    private final KeyRotation keyRotation;

    public InstanceManager(EflowPaths paths) {
        this(paths, TpmPassthrough.fromEnvironment(System.getenv()));
    }

    /** @param tpm the host TPM guests with dps-tpm on reach through its proxy */
    public InstanceManager(EflowPaths paths, TpmPassthrough tpm) {
        this.paths = paths;
        this.tpm = tpm;
        this.store = new InstanceStore(paths);
        this.access = new GuestAccess(paths, this::serveChannel);
        this.inspector = new GuestInspector(access);
        this.deployer = new Deployer(store, access);
        this.backends = Map.of(BackendKind.NAMESPACE, new NamespaceBackend(paths, tpm), BackendKind.QEMU, new QemuBackend(acceleration, tpm));
        this.hostResources = new HostResources(this, store, access);
        this.hostNetworks = new HostNetworks(paths, store);
        this.endpoints = new Endpoints(this, store, hostNetworks, access);
        this.keyRotation = new KeyRotation(this, store, access);
        sweepUnfinishedDeploys();
        resumeRunningGuests();
    }

    /** Returns the name given, or the only instance's name when none is given. */
    public String resolveName(String nameOrNull) {
        if (nameOrNull != null && !nameOrNull.isBlank()) {
            String name = new InstanceName(nameOrNull).value();
            store.load(name);
            return name;
        }
        List<String> names = store.names();
        if (names.isEmpty()) {
            throw EflowException.notFound("there is no instance yet; create one with 'eflow deploy'");
        }
        if (names.size() > 1) {
            throw new InvalidValue("name", "is needed: there are " + names.size() + " instances (" + String.join(", ", names) + ")");
        }
        return names.get(0);
    }

    /** Deploy's checks that need no work: every argument, and the name not in use. */
    public DeployRequest.Validated precheck(DeployRequest request) {
        DeployRequest.Validated valid = request.validate(hostConfig(), HostName.get());
        if (store.exists(valid.name())) {
            throw EflowException.conflict("an instance named '" + valid.name() + "' already exists; remove it first or choose another name");
        }
        return valid;
    }

    public InstanceSummary deploy(DeployRequest request, Consumer<String> progress) {
        Privileges.requireRoot();
        DeployRequest.Validated valid = precheck(request);
        BackendKind kind = resolveBackend(valid.backend(), progress);
        Backend backend = backend(kind);
        deployLock.lock();
        try {
            precheck(request); // again under the lock: two deploys of one name may race to here
            sweepUnfinishedDeploys();
            GuestImage image = signedImage(valid.image());
            NetworkConfig network = networks.allocate(valid.staticIp(), store.all(), takenByTheHost());
            try (DigestCheck digests = DigestCheck.start(image)) {
                InstanceConfig config = withLock(valid.name(), () -> deployer.deploy(valid, kind, backend, image, digests, network, progress));
                return summary(config);
            }
        } finally {
            deployLock.unlock();
        }
    }

    /** Signature, shape and sizes now; the parts' digests are {@link DigestCheck}'s, beside the copy. */
    private GuestImage signedImage(Path requested) {
        Path dir = requested != null ? requested.toAbsolutePath() : paths.images().resolve("current");
        if (!Files.exists(dir)) {
            throw new EflowException(requested != null ? "no image at " + dir
                    : "no guest image has been built yet; run 'eflow image build' first");
        }
        return ImageVerifier.verifyWithoutDigests(dir, TrustStore.load(paths));
    }

    private BackendKind resolveBackend(BackendKind requested, Consumer<String> progress) {
        boolean linux = System.getProperty("os.name").toLowerCase().contains("linux");
        // Only a qemu choice needs the accelerator: a namespace deploy does not pay for the probe.
        BackendChoice choice = requested == BackendKind.NAMESPACE ? BackendChoice.resolve(requested, linux, null)
                : BackendChoice.resolve(requested, linux, acceleration.accelerator());
        if (choice.kind() == BackendKind.QEMU && !HostAcceleration.qemuInstalled()) {
            throw new EflowException("the qemu backend needs " + HostAcceleration.QEMU + " on the host: apt-get install qemu-system-x86");
        }
        if (choice.kind() == BackendKind.NAMESPACE && !linux) {
            throw new InvalidValue("backend", "namespace needs a Linux host; use qemu");
        }
        progress.accept("backend: " + choice.kind().cliName() + (requested == BackendKind.AUTO ? " (auto)" : "")
                + (choice.accelerator() == null ? "" : ", accelerator " + choice.accelerator().qemuName()));
        if (choice.warning() != null) {
            progress.accept(choice.warning());
        }
        return choice.kind();
    }

    /** A daemon that starts while guests run takes up the host-side services they use (their TPM proxy, say). */
    private void resumeRunningGuests() {
        for (InstanceConfig config : store.all()) {
            try {
                if (powerState(config) == PowerState.RUNNING) {
                    backend(config.backend()).resume(config, store.layout(config.name()));
                }
            } catch (RuntimeException e) {
                LOG.warn("{}: cannot resume its host-side services: {}", config.name(), e.getMessage());
            }
        }
    }

    /** Before any host connection to a guest: its SSH socket is served (by this process or another). */
    private void serveChannel(InstanceLayout layout) {
        if (store.exists(layout.name())) {
            backend(store.load(layout.name()).backend()).serveChannel(layout);
        }
    }

    Backend backend(BackendKind kind) {
        Backend backend = backends.get(kind);
        if (backend == null) {
            throw new EflowException("the " + kind.cliName() + " backend is not available on this host");
        }
        return backend;
    }

    /** Where an instance's files are (it must exist). */
    public InstanceLayout layout(String name) {
        return store.layout(store.load(name).name());
    }

    public InstanceConfig config(String name) {
        return store.load(name);
    }

    public PowerState powerState(String name) {
        return powerState(store.load(name));
    }

    /** Cuts the guest's power, as a crash would (fault injection, a guest that hangs in a trial boot). */
    public void powerOff(String name) {
        Privileges.requireRoot();
        InstanceConfig config = store.load(name);
        backend(config.backend()).powerOff(store.layout(name));
        access.forget(name);
    }

    /** What runs after an update's commit or a rollback: the slot and its release version, as {@code get} shows them. */
    public InstanceConfig recordActiveSlot(String name, Slot slot, String version) {
        return withLock(name, () -> {
            InstanceConfig config = store.load(name);
            if (slot.equals(config.activeSlot()) && version.equals(config.imageVersion())) {
                return config;
            }
            InstanceConfig changed = config.withActiveSlot(slot, version);
            store.save(changed);
            return changed;
        });
    }

    public EflowPaths paths() {
        return paths;
    }

    public List<InstanceSummary> list() {
        return store.all().stream().map(this::summary).toList();
    }

    private InstanceSummary summary(InstanceConfig config) {
        return new InstanceSummary(config.name(), config.backend(), powerState(config), config.imageVersion());
    }

    PowerState powerState(InstanceConfig config) {
        return backend(config.backend()).state(config, store.layout(config.name()));
    }

    public void start(String name) {
        Privileges.requireRoot();
        withLock(name, () -> {
            InstanceConfig config = store.load(name);
            if (powerState(config) == PowerState.RUNNING) {
                return null;
            }
            InstanceLayout layout = store.layout(name);
            GuestDisks.releaseEditMount(KeyRotation.seedMount(layout));
            access.forget(name);
            Backend backend = backend(config.backend());
            Consumer<String> progress = line -> LOG.info("{}: {}", name, line);
            requireHostResources(config);
            hostNetworks.bringUp(config);
            growDisks(config, layout, progress);
            backend.start(config, layout, progress);
            GuestLinks.recordStarted(layout.run(), config.endpoints());
            access.awaitReady(layout, SSH_READY);
            backend.guestReady(config, layout, access.shell(layout));
            return null;
        });
    }

    /** A shared folder or serial port gone from the host since it was added stops the start, with what to do about it. */
    private static void requireHostResources(InstanceConfig config) {
        for (SharedFolder share : config.shares()) {
            if (!Files.isDirectory(Path.of(share.hostPath()), LinkOption.NOFOLLOW_LINKS)) {
                throw new EflowException("the shared folder " + share.hostPath() + " is gone or no longer a folder: restore it, or"
                        + " eflow share remove --guest-path " + share.guestPath());
            }
        }
        for (SerialPort port : config.serialPorts()) {
            if (!Files.exists(Path.of(port.hostPath()))) {
                throw new EflowException("the serial port " + port.hostPath() + " is gone: plug it in again, or eflow device remove"
                        + " --guest-name " + port.guestName());
            }
        }
    }

    /** What set asked of the disks takes effect here, on the stopped guest's images, before it mounts them. */
    private static void growDisks(InstanceConfig config, InstanceLayout layout, Consumer<String> progress) {
        DiskGrowth.growTo(layout.dataDisk(), (long) config.dataSizeGb() << 30, "the data disk (/var)", progress);
        DiskGrowth.growTo(layout.logDisk(), (long) config.logSize().gigabytes() << 30, "the log disk (/logs)", progress);
    }

    public void stop(String name) {
        Privileges.requireRoot();
        withLock(name, () -> {
            InstanceConfig config = store.load(name);
            // The halt request uses the pooled connection: a fresh one right after dropping it could reach the old
            // session on a virtio-serial port (one byte stream) before the guest has seen the hang-up.
            backend(config.backend()).stop(config, store.layout(name), STOP_GRACE, haltRequest(store.layout(name)));
            access.forget(name);
            return null;
        });
    }

    /** runit runs stage 3 on SIGCONT to PID 1, then ends the guest (a VM powers off). */
    private Runnable haltRequest(InstanceLayout layout) {
        return () -> access.exec(layout, List.of("sudo", "kill", "-CONT", "1"), Duration.ofSeconds(10));
    }

    /**
     * Set-EflowVM: new vCPUs, memory, disk sizes or static address, checked like deploy's, used from the next start on
     * either backend (the link is made anew at every start).
     */
    public InstanceConfig set(String name, SetRequest request) {
        Privileges.requireRoot();
        return withLock(name, () -> {
            InstanceConfig changed = request.applyTo(store.load(name), hostConfig());
            StaticIp address = request.staticIp();
            if (address != null) {
                String self = changed.name();
                List<InstanceConfig> others = store.all().stream().filter(other -> !other.name().equals(self)).toList();
                changed = changed.withNetwork(networks.readdress(changed.network(), address, others, takenByTheHost()));
            }
            store.save(changed);
            return changed;
        });
    }

    /** The host's routes and eflow's stored networks (one not brought up since a reboot is not routed yet). */
    private Set<String> takenByTheHost() {
        Set<String> taken = new HashSet<>(HostRoutes.subnets());
        taken.addAll(hostNetworks.subnets());
        return taken;
    }

    public InstanceDetails get(String name) {
        InstanceConfig config = store.load(name);
        PowerState state = powerState(config);
        if (state != PowerState.RUNNING) {
            return new InstanceDetails(config, state, null, null);
        }
        GuestInspector.Report report = inspector.inspect(config, store.layout(name));
        return new InstanceDetails(config, state, report.runtime(), report.statistics());
    }

    /** Verify-EflowVm: true when the instance exists with its configuration, pinned key and every disk. */
    public boolean verify(String name) {
        if (!store.exists(name)) {
            return false;
        }
        InstanceLayout layout = store.layout(name);
        List<Path> required = List.of(layout.pinnedHostKey(), layout.dataDisk(), layout.logDisk(),
                layout.rootSlot(Slot.A), layout.rootSlot(Slot.B), layout.bootSlot(Slot.A), layout.bootSlot(Slot.B));
        return required.stream().allMatch(Files::isRegularFile);
    }

    public GuestAddress addr(String name) {
        InstanceConfig config = store.load(name);
        return new GuestAddress(config.network().address(), config.network().mac());
    }

    public HostInfo hostConfig() {
        return HostInfo.probe(paths.home(), paths.cache());
    }

    /**
     * Get-EflowVmTpmProvisioningInfo: the endorsement key and registration id of the host TPM that every guest with
     * dps-tpm on reaches through its proxy (one TPM per host, so no instance is named).
     */
    public TpmProvisioningInfo tpmProvisioningInfo() {
        EndorsementKey key = tpm.endorsementKey();
        return new TpmProvisioningInfo(key.base64(), key.registrationId(), tpm.hostTpm());
    }

    /** Runs a command (argv, joined with shell quoting) as iotedge-user; a non-zero exit is returned, not thrown. */
    public CommandResult invoke(String name, List<String> command, Duration timeout) {
        if (command.isEmpty()) {
            throw new EflowException("invoke needs a command after --");
        }
        InstanceConfig config = requireRunning(name);
        return access.exec(store.layout(config.name()), command, timeout);
    }

    /**
     * Runs {@code argv} as root in the guest (the edge agent's socket is root's), feeding it {@code stdin} until its end
     * and passing its output to {@code out} as it arrives; returns the exit code.
     */
    public int stream(String name, List<String> argv, InputStream stdin, OutputStream out, Duration timeout) {
        InstanceConfig config = requireRunning(name);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> command = new ArrayList<>(List.of("sudo", "-n", "--"));
        command.addAll(argv);
        int exit = access.stream(store.layout(config.name()), command, stdin, out, err, timeout);
        if (exit != 0 && err.size() > 0) {
            throw EflowException.failure("in guest " + config.name() + ": " + err.toString(StandardCharsets.UTF_8).strip(), null);
        }
        return exit;
    }

    /**
     * An interactive login shell of iotedge-user on a pty (the console's terminal, as {@code eflow connect}): blocks
     * until the shell exits or {@code in} ends; returns its exit status.
     */
    public int terminal(String name, int columns, int rows, InputStream in, OutputStream out, Consumer<TerminalResize> opened) {
        InstanceConfig config = requireRunning(name);
        return access.terminal(store.layout(config.name()), columns, rows, in, out, opened, TERMINAL_MAX);
    }

    /** A connection to {@code guestPort} on the running guest's loopback, made by its sshd (forwards into the guest). */
    public GuestTunnel tunnel(String name, int guestPort) {
        InstanceConfig config = requireRunning(name);
        return access.tunnel(store.layout(config.name()), guestPort, TUNNEL_OPEN);
    }

    /**
     * Makes {@code guestPort} on the guest's loopback lead to {@code hostPort} on the host's, now if the guest runs
     * (a refusal, such as the port being taken, is an error) and from every later start on.
     */
    public void forwardToHost(String name, int guestPort, int hostPort) {
        InstanceConfig config = store.load(name);
        InstanceLayout layout = store.layout(config.name());
        Duration wait = powerState(config) == PowerState.RUNNING ? TUNNEL_OPEN : Duration.ZERO;
        access.forwardToHost(layout, guestPort, hostPort, wait);
    }

    public void stopForwardToHost(String name, int guestPort, int hostPort) {
        access.stopForwardToHost(name, guestPort, hostPort);
    }

    /** The folder of the instance's host-side state (configuration, keys, forwards). */
    public Path stateFolder(String name) {
        return store.layout(store.load(name).name()).state();
    }

    /** Copies a file between host and guest over SFTP; {@code push} = host to guest. */
    public void copy(String name, Path from, String to, boolean push) {
        if (push) {
            upload(name, from, to, Progress.of(line -> { }), "copy");
        } else {
            InstanceLayout layout = store.layout(requireRunning(name).name());
            Path target = Path.of(to).toAbsolutePath();
            if (target.getParent() == null || !Files.isDirectory(target.getParent())) {
                throw new InvalidValue("to", target + ": its folder does not exist on the host");
            }
            access.download(layout, from.toString(), target);
        }
    }

    /** Copies a host file into the guest over SFTP, reporting the bytes sent as {@code step}. */
    public void upload(String name, Path from, String to, Progress progress, String step) {
        InstanceLayout layout = store.layout(requireRunning(name).name());
        if (!Files.isRegularFile(from)) {
            throw new InvalidValue("from", from + " is not a file on the host");
        }
        access.upload(layout, from, to, progress, step);
    }

    /** Writes a zip of daemon and guest logs and the redacted configuration to {@code output}. */
    public Path logs(String name, Path output) {
        InstanceConfig config = store.load(name);
        InstanceLayout layout = store.layout(name);
        return LogBundle.write(output, bundle -> {
            bundle.addText("instance/config.json", Files.readString(layout.configFile()));
            bundle.addText("instance/power-state.txt", powerState(config).name() + "\n");
            bundle.addFiles("host", paths.log(), "eflowd*");
            bundle.addTree("host/" + name, layout.log());
            if (powerState(config) == PowerState.RUNNING) {
                CommandResult tar = access.exec(layout, List.of("sudo", "tar", "-C", "/logs", "-cf", "-", "."), Duration.ofMinutes(2));
                addGuestLogs(bundle, tar.stdout());
                bundle.addText("guest/services.txt",
                        access.exec(layout, List.of("sudo", "sv", "status", "/etc/eflow/services/sshd", "/etc/eflow/services/eflow-guest"),
                                Duration.ofSeconds(10)).stdoutText());
            }
        });
    }

    private static void addGuestLogs(LogBundle bundle, byte[] tar) throws IOException {
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
            TarArchiveEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                if (entry.isFile()) {
                    bundle.addText("guest/logs/" + entry.getName().replaceFirst("^\\./", ""),
                            new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
                }
            }
        }
    }

    public void remove(String name) {
        Privileges.requireRoot();
        withLock(name, () -> {
            InstanceConfig config = store.load(name);
            InstanceLayout layout = store.layout(name);
            Backend backend = backend(config.backend());
            backend.stop(config, layout, STOP_GRACE, haltRequest(layout));
            access.forget(name);
            backend.cleanup(layout);
            // The configuration goes first: if deleting the disks fails half-way, the rest is swept as an unfinished deploy.
            FileTrees.deleteRecursively(layout.configFile());
            FileTrees.deleteRecursively(layout.state());
            FileTrees.deleteRecursively(layout.log());
            return null;
        });
        locks.remove(name);
    }

    /** The firewall as {@code eflow firewall list} shows it: fixed defaults, then the user's rules. */
    public FirewallView firewall(String name) {
        InstanceConfig config = store.load(name);
        return new FirewallView(config.security().sshTransport(), GuestFirewall.defaults(config.security().sshTransport()),
                config.security().firewallRules());
    }

    /** Adds or removes a user rule: stored first, then applied to a running guest; a failure restores the old rules. */
    public FirewallView changeFirewall(String name, FirewallRule rule, boolean allow) {
        Privileges.requireRoot();
        return withLock(name, () -> {
            InstanceConfig before = store.load(name);
            if (allow && rule.endpoint() != null && !GuestLinks.interfaces(before.endpoints()).containsKey(rule.endpoint())) {
                throw new InvalidValue("endpoint", "instance '" + name + "' has no endpoint " + rule.endpoint() + " ('default' is the"
                        + " host link; 'eflow endpoint list' shows the others)");
            }
            GuestSecurity security = allow ? before.security().allow(rule) : before.security().remove(rule);
            InstanceConfig after = before.withSecurity(security);
            store.save(after);
            if (powerState(after) == PowerState.RUNNING) {
                try {
                    backend(after.backend()).applyFirewall(after, store.layout(name), access.shell(store.layout(name)));
                } catch (RuntimeException e) {
                    store.save(before);
                    throw e;
                }
            }
            return firewall(name);
        });
    }

    /** Shared folders, serial ports and name servers: what the host lends each guest. */
    public HostResources hostResources() {
        return hostResources;
    }

    /** Add-, Get- and Remove-EflowNetwork. */
    public HostNetworks networks() {
        return hostNetworks;
    }

    /** Add-, Get- and Remove-EflowVmEndpoint. */
    public Endpoints endpoints() {
        return endpoints;
    }

    /** {@code eflow feature get dm-verity}. */
    public Feature feature(String name, String feature) {
        return new Feature(Feature.check(feature), Feature.enabledIn(store.load(name).security(), feature));
    }

    /** {@code eflow feature set dm-verity|dps-tpm on|off}: stored now, in force from the next start. */
    public Feature setFeature(String name, String feature, boolean on) {
        Privileges.requireRoot();
        String checked = Feature.check(feature);
        if (on && checked.equals(Feature.DPS_TPM)) {
            tpm.requireHostTpm();
        }
        return withLock(name, () -> {
            InstanceConfig config = store.load(name);
            store.save(config.withSecurity(Feature.set(config.security(), checked, on)));
            return new Feature(checked, on);
        });
    }

    /**
     * {@code eflow rotate-keys}: a new host key for one guest ({@code all} false; null name: the only instance), or a new
     * user CA for the install and then a new host key for every guest. Deploys wait meanwhile, so no guest is made
     * half-way through with the CA that is going. An instance that fails stops the rotation with what to do; what was
     * done stays done, and running it again finishes the rest.
     */
    public KeysRotated rotateKeys(String name, boolean all) {
        Privileges.requireRoot();
        if (!all) {
            return new KeysRotated(null, List.of(keyRotation.hostKey(resolveName(name))));
        }
        deployLock.lock();
        try {
            KeysRotated.UserCa userCa = keyRotation.userCa();
            List<KeysRotated.HostKey> hostKeys = new ArrayList<>();
            for (String instance : store.names()) {
                try {
                    hostKeys.add(keyRotation.hostKey(instance));
                } catch (EflowException e) {
                    List<String> done = hostKeys.stream().map(KeysRotated.HostKey::name).toList();
                    throw new EflowException(e.status(), "the user CA was rotated" + (done.isEmpty() ? "" : ", and the host keys of "
                            + String.join(", ", done)) + "; " + e.getMessage(), e);
                }
            }
            return new KeysRotated(userCa, hostKeys);
        } finally {
            deployLock.unlock();
        }
    }

    /** Connect-EflowVm: a short-lived certificate and the pinned host key, for the host's OpenSSH client. */
    public ConnectInfo connect(String name) {
        InstanceConfig config = requireRunning(name);
        InstanceLayout layout = store.layout(config.name());
        Path dir = paths.run().resolve("connect").resolve(name + "-" + Instant.now().toEpochMilli());
        ClientIdentity identity = access.issueShortLived(Duration.ofMinutes(10));
        Path key = dir.resolve("id_ed25519");
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw EflowException.failure("cannot create " + dir + ": " + e.getMessage(), e);
        }
        identity.writeOpenSsh(key);
        String alias = "eflow-" + name;
        Path knownHosts = dir.resolve("known_hosts");
        FileTrees.write(knownHosts, knownHostsLines(alias, layout).getBytes(StandardCharsets.UTF_8), "rw-------");
        backend(config.backend()).serveChannel(layout);
        return new ConnectInfo(layout.sshSocket().toString(), GuestAccess.USER, key.toString(), key + "-cert.pub",
                knownHosts.toString(), alias);
    }

    /** The pinned host key, and the one coming in while a rotation of it is unfinished: the keys eflow accepts. */
    private static String knownHostsLines(String alias, InstanceLayout layout) {
        HostKeyPin pin = GuestAccess.hostKeyPin(layout);
        StringBuilder lines = new StringBuilder(GuestHostKey.knownHostsLine(alias, pin.pinned())).append('\n');
        pin.incoming().ifPresent(key -> lines.append(GuestHostKey.knownHostsLine(alias, key)).append('\n'));
        return lines.toString();
    }

    private InstanceConfig requireRunning(String name) {
        InstanceConfig config = store.load(name);
        if (powerState(config) != PowerState.RUNNING) {
            throw EflowException.conflict("instance '" + name + "' is stopped; start it with 'eflow start --name " + name + "'");
        }
        return config;
    }

    <T> T withLock(String name, Supplier<T> action) {
        ReentrantLock lock = locks.computeIfAbsent(name, n -> new ReentrantLock());
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }

    /** A deploy killed half-way leaves a marked folder (and maybe a running guest); nothing else refers to it. */
    private void sweepUnfinishedDeploys() {
        for (String name : store.unfinished()) {
            LOG.warn("removing the remains of an unfinished deploy of '{}'", name);
            InstanceLayout layout = store.layout(name);
            backends.values().forEach(b -> b.cleanup(layout));
            FileTrees.deleteRecursively(layout.state());
            FileTrees.deleteRecursively(layout.log());
        }
    }

    @Override
    public void close() {
        access.close();
        tpm.close();
    }
}
