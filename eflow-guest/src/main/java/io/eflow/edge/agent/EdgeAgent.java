package io.eflow.edge.agent;

import com.fasterxml.jackson.databind.JsonNode;
import io.eflow.contract.manifest.DeploymentManifest;
import io.eflow.contract.manifest.EdgeModule;
import io.eflow.contract.manifest.ImageReference;
import io.eflow.contract.manifest.ParsedManifest;
import io.eflow.contract.wire.LogLine;
import io.eflow.contract.wire.ModuleReport;
import io.eflow.edge.device.CertificateState;
import io.eflow.edge.device.DeviceIdentity;
import io.eflow.edge.device.ModuleHub;
import io.eflow.edge.device.ModuleRuntime;
import io.eflow.edge.image.BlobStore;
import io.eflow.edge.image.ImageArchive;
import io.eflow.edge.logs.ModuleLogs;
import io.eflow.edge.logs.Query;
import io.eflow.edge.time.MonotonicClock;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The edge agent in the guest runtime: keeps the applied deployment on the data disk (so modules come back after a
 * restart), runs the reconcile loop, and answers the host's requests through {@link AgentServer}.
 */
public final class EdgeAgent implements ModuleRuntime, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EdgeAgent.class.getName());

    /** Where everything lives in the guest. */
    public record Layout(Path state, Path logs, Path socket) {
        public static final Layout GUEST = new Layout(Path.of("/var/lib/eflow"), Path.of("/logs/modules"),
                Path.of("/run/eflow/agent.sock"));

        Path deployment() {
            return state.resolve("agent").resolve("deployment.json");
        }
    }

    private final Layout layout;
    private final ModuleHub hub;
    private final BlobStore blobs;
    private final ImageRoots roots;
    private final ModuleLogs logs;
    private final Reconciler reconciler;
    private final Thread loop;
    /** Pulls and loads write partial blobs that garbage collection would delete: they share it, GC holds it alone. */
    private final ReadWriteLock storeLock = new ReentrantReadWriteLock();
    private final ImageCollector collector;
    private final ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "image-gc");
        thread.setDaemon(true);
        return thread;
    });

    public EdgeAgent(Layout layout, String hostname) {
        this(layout, DeviceIdentity.local(hostname), ModuleHub.NONE);
    }

    public EdgeAgent(Layout layout, DeviceIdentity identity, ModuleHub hub) {
        this.layout = layout;
        this.hub = hub;
        this.blobs = new BlobStore(layout.state().resolve("images"));
        this.roots = new ImageRoots(layout.state().resolve("rootfs"), blobs);
        this.logs = new ModuleLogs(layout.logs(), 1 << 20, 4);
        Containers containers = new Containers(layout.state().resolve("modules"), layout.state().resolve("volumes"),
                identity, logs, hub);
        this.reconciler = new Reconciler(new ModuleImages(blobs, roots, storeLock), containers, Clock.systemUTC(),
                MonotonicClock.start(), Backoff.DEFAULT);
        this.collector = new ImageCollector(layout.state().resolve("agent").resolve("retired-images.json"), blobs, roots,
                storeLock, ImageCollector.THRESHOLD);
        this.loop = new Thread(reconciler, "edge-agent");
        loop.setDaemon(true);
    }

    /** Resumes the stored deployment, if any, and starts the loop. */
    public void start() throws IOException {
        Path stored = layout.deployment();
        if (Files.exists(stored)) {
            try {
                ParsedManifest parsed = DeploymentManifest.parse(Files.readString(stored));
                hub.deploy(parsed.manifest());
                reconciler.desire(parsed.manifest(), generation(stored));
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "the stored deployment " + stored + " is unusable: " + e.getMessage());
            }
        }
        loop.start();
        housekeeping.scheduleWithFixedDelay(this::collectGarbage, 1, 60, TimeUnit.MINUTES);
    }

    /**
     * Validates and applies a deployment: an invalid one throws {@link io.eflow.contract.manifest.ManifestException}
     * with the JSON path and nothing changes; a valid one is stored (atomically) before the loop sees it.
     */
    @Override
    public ParsedManifest apply(String json) throws IOException {
        ParsedManifest parsed = DeploymentManifest.parse(json);
        Path stored = layout.deployment();
        Files.createDirectories(stored.getParent());
        Path partial = stored.resolveSibling("deployment.json.partial");
        Files.writeString(partial, json);
        try (var channel = FileChannel.open(partial, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(partial, stored, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Set<String> previous = references(reconciler.desired());
        hub.deploy(parsed.manifest());
        reconciler.desire(parsed.manifest(), generation(stored));
        collector.deployed(previous, references(Optional.of(parsed.manifest())), Instant.now());
        return parsed;
    }

    @Override
    public Optional<JsonNode> deployment() {
        return reconciler.desired().map(DeploymentManifest::json);
    }

    @Override
    public Map<String, ModuleReport> modules() {
        return reconciler.report();
    }

    /** The hub's certificates' expiry and renewal; none when the agent runs without a hub. */
    List<CertificateState> certificates() {
        return hub.certificates();
    }

    /**
     * The names of the deployment's modules, without building their reports: the hub's upstream asks for each message
     * it sends which identity sends it.
     */
    public Set<String> deployedModules() {
        return reconciler.desired().map(manifest -> manifest.agent().modules().keySet()).orElse(Set.of());
    }

    @Override
    public List<LogLine> logs(String module, int tail, Optional<Instant> since) throws IOException {
        Query query = Query.all().withTail(tail < 0 ? Query.ALL : tail);
        if (since.isPresent()) {
            query = query.withSince(since.get());
        }
        List<LogLine> lines = new ArrayList<>();
        try {
            logs.read(module, query, line -> lines.add(new LogLine(line.time(), line.stream(), line.text())));
        } catch (NoSuchElementException e) {
            // deployed but never started: no lines yet
        }
        return lines;
    }

    @Override
    public boolean restart(String module) {
        return reconciler.restart(module);
    }

    /**
     * Makes the module's hub identity again (a new key and generation id) and restarts it, so it starts with the new
     * generation; what it held before stops working. False when no such module is deployed.
     */
    public boolean restartWithNewIdentity(String module) throws IOException {
        if (!modules().containsKey(module)) {
            return false;
        }
        hub.recreateIdentity(module);
        return reconciler.restart(module);
    }

    public ModuleLogs logs() {
        return logs;
    }

    /** Loads an OCI image-layout or docker-archive tarball into the store; returns the references recorded. */
    public List<String> load(Path file, Optional<String> reference) {
        storeLock.readLock().lock();
        try {
            return new ImageArchive(blobs).load(file, reference.map(ImageReference::parse)).stream()
                    .map(image -> image.reference() + "@" + image.manifestDigest()).toList();
        } finally {
            storeLock.readLock().unlock();
        }
    }

    public BlobStore images() {
        return blobs;
    }

    /** Hourly: deletes the images that have been out of every deployment for {@link ImageCollector#THRESHOLD}. */
    private void collectGarbage() {
        try {
            Set<String> inUse = references(reconciler.desired());
            reconciler.report().values().forEach(report -> inUse.add(report.image()));
            Set<String> deleted = collector.collect(Instant.now(), inUse);
            if (!deleted.isEmpty()) {
                LOG.log(System.Logger.Level.INFO, "deleted images unused for " + ImageCollector.THRESHOLD.toDays() + " days: "
                        + String.join(", ", deleted));
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "image garbage collection failed: " + e.getMessage());
        }
    }

    private static Set<String> references(Optional<DeploymentManifest> manifest) {
        Set<String> references = new HashSet<>();
        manifest.ifPresent(m -> m.agent().modules().values().stream().map(EdgeModule::image).map(Object::toString)
                .forEach(references::add));
        return references;
    }

    private static String generation(Path stored) throws IOException {
        return Long.toString(Files.getLastModifiedTime(stored).toMillis());
    }

    @Override
    public void close() {
        housekeeping.shutdownNow();
        reconciler.shutdown();
    }
}
