package io.eflow.edge.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eflow.contract.json.Mappers;
import io.eflow.contract.json.TwinPatch;
import io.eflow.contract.manifest.ManifestException;
import io.eflow.edge.device.ModuleRuntime;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The edge agent as IoT Hub sees it: the device's {@code $edgeAgent} and {@code $edgeHub} modules. Deployments
 * come as their desired properties — at every (re)connection the whole twins, then each patch — and are applied by
 * the {@link ModuleRuntime}; a deployment that is refused leaves the running one and is reported with its status.
 * The agent's reported properties follow the modules: patched when something changed, never on a timer.
 *
 * <p>One thread does all of it, so deployments apply in the order they came and reports never race each other.
 * Offline is normal: the runtime goes on with what it runs, and the link comes back with backoff (1 s to 30 s;
 * up to 5 minutes while the hub refuses the device).
 */
public final class AgentTwin implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(AgentTwin.class.getName());
    private static final ObjectMapper JSON = Mappers.standard();
    static final String AGENT = "$edgeAgent";
    static final String HUB = "$edgeHub";
    /** How often the modules' states are compared with what was reported; only a difference goes to IoT Hub. */
    private static final Duration LOOK = Duration.ofSeconds(1);
    private enum Signal { DESIRED, PROVISIONING }

    private final CloudLink link;
    private final ModuleRuntime runtime;
    private final String version;
    private final HubPorts ports;
    private final Duration timeout;
    private final Clock clock;
    private final BlockingQueue<Signal> signals = new LinkedBlockingQueue<>();
    private final Thread worker;
    private volatile boolean closed;
    private JsonNode reported;
    private volatile JsonNode hubDesired;
    private volatile Consumer<JsonNode> hubReported = reported -> { };
    /** The modules whose identities IoT Hub has, as last made sure of. */
    private Set<String> identities = Set.of();
    private DeviceScope scope;
    private AgentReport.DesiredStatus lastStatus = new AgentReport.DesiredStatus(200, "", 0);
    /** The uploads direct methods started: their status is asked for across reconnections. */
    private final UploadTasks uploads = new UploadTasks();

    public AgentTwin(CloudLink link, ModuleRuntime runtime, String version, HubPorts ports, Duration timeout, Clock clock) {
        this.link = link;
        this.runtime = runtime;
        this.version = version;
        this.ports = ports;
        this.timeout = timeout;
        this.clock = clock;
        this.worker = new Thread(this::run, "edge-agent-twin");
        worker.setDaemon(true);
        link.onChange(() -> signals.offer(Signal.PROVISIONING));
    }

    public void start() {
        worker.start();
    }

    private void run() {
        Duration backoff = Duration.ofSeconds(1);
        while (!closed) {
            Optional<CloudIdentity> provisioning = link.current();
            if (provisioning.isEmpty()) {
                await(Duration.ofSeconds(30));
                continue;
            }
            try {
                connected(provisioning.get());
                backoff = Duration.ofSeconds(1);
            } catch (CloudException e) {
                link.lost(provisioning.get(), e);
                LOG.log(System.Logger.Level.WARNING, "IoT Hub: " + e.getMessage() + "; trying again in " + backoff.toSeconds() + " s");
                await(backoff);
                Duration ceiling = e.refused() ? Duration.ofMinutes(5) : Duration.ofSeconds(30);
                backoff = backoff.multipliedBy(2).compareTo(ceiling) > 0 ? ceiling : backoff.multipliedBy(2);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "the edge agent's link to IoT Hub failed; starting it again", e);
                await(Duration.ofSeconds(5));
            }
        }
    }

    /** One connection as $edgeAgent, until it breaks or the provisioning changes. */
    private void connected(CloudIdentity provisioning) {
        DeviceScope scope = new DeviceScope(provisioning, ports, timeout, clock);
        String agentKey = provisioning.moduleKey(AGENT);
        String hubKey = provisioning.moduleKey(HUB);
        scope.ensureModule(AGENT, agentKey);
        scope.ensureModule(HUB, hubKey);
        this.scope = scope;
        try (TwinSession agent = TwinSession.open(provisioning, ports, AGENT, agentKey, timeout, clock,
                desired -> signals.offer(Signal.DESIRED), new AgentMethods(runtime, provisioning, uploads, clock))) {
            link.connected(provisioning);
            LOG.log(System.Logger.Level.INFO, "connected to IoT Hub " + provisioning.hostName() + " as "
                    + provisioning.deviceId() + "/" + AGENT);
            reported = TwinPatch.withoutMetadata(agent.twin().path("reported"));
            reconcile(agent);
            while (!closed && !agent.lost().isDone()) {
                Signal signal = signals.poll(LOOK.toMillis(), TimeUnit.MILLISECONDS);
                if (!link.current().equals(Optional.of(provisioning))) {
                    return;
                }
                if (signal == Signal.DESIRED) {
                    signals.clear(); // one reconcile reads the whole twin: later signals are in it
                    reconcile(agent);
                } else {
                    if (!runtime.modules().keySet().equals(identities)) {
                        syncIdentities(provisioning);
                    }
                    report(agent);
                }
            }
            if (!closed) {
                throw CloudException.unreachable("the connection to IoT Hub " + provisioning.hostName() + " broke");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    /**
     * {@code $edgeHub}'s desired properties (its routes and store settings), whole, each time they are read or change.
     * The edge hub's own connection as {@code $edgeHub} receives them — IoT Hub allows one connection per identity —
     * and hands them over here, so that the deployment is both twins' desired properties together.
     */
    public void hubDesired(JsonNode desired) {
        hubDesired = desired;
        signals.offer(Signal.DESIRED);
    }

    /**
     * Where {@code $edgeHub}'s reported properties go (the edge hub's own connection sends them): the outcome of its
     * desired properties, which the agent applies together with its own.
     */
    public void onHubReported(Consumer<JsonNode> sink) {
        hubReported = sink;
    }

    /** Reads the agent's twin, applies the deployment both twins describe if it is new, and reports the outcome. */
    private void reconcile(TwinSession agent) {
        JsonNode agentDesired = agent.twin().path("desired");
        JsonNode hubDesired = this.hubDesired;
        long desiredVersion = agentDesired.path("$version").asLong(0);
        if (TwinPatch.withoutMetadata(agentDesired).isEmpty()) {
            lastStatus = new AgentReport.DesiredStatus(417, "the device has no deployment yet", desiredVersion);
        } else if (hubDesired == null) {
            // the edge hub's connection reads $edgeHub's twin; the deployment is applied once both are known
            LOG.log(System.Logger.Level.DEBUG, "waiting for $edgeHub's desired properties before applying a deployment");
        } else {
            ObjectNode modulesContent = JSON.createObjectNode();
            modulesContent.set(AGENT, JSON.createObjectNode().set("properties.desired", TwinPatch.withoutMetadata(agentDesired)));
            modulesContent.set(HUB, JSON.createObjectNode().set("properties.desired", TwinPatch.withoutMetadata(hubDesired)));
            ObjectNode manifest = JSON.createObjectNode();
            manifest.set("modulesContent", modulesContent);
            lastStatus = runtime.deployment().map(manifest::equals).orElse(false)
                    ? new AgentReport.DesiredStatus(200, "", desiredVersion) : apply(manifest, desiredVersion);
        }
        syncIdentities(agent.provisioning());
        report(agent);
        if (hubDesired != null) {
            hubReported.accept(AgentReport.hub(lastStatus, hubDesired.path("$version").asLong(0)));
        }
    }


    /**
     * The deployed modules have identities in IoT Hub, with keys derived from the device's (so the hub and the
     * modules' upstream connections agree without storing them), and modules no longer deployed have none.
     */
    private void syncIdentities(CloudIdentity provisioning) {
        // the modules of a new deployment appear in the runtime's report one by one as they are created
        Set<String> deployed = Set.copyOf(runtime.modules().keySet());
        for (String module : deployed) {
            scope.ensureModule(module, provisioning.moduleKey(module));
        }
        for (String module : scope.moduleIds()) {
            if (!module.equals(AGENT) && !module.equals(HUB) && !deployed.contains(module)) {
                scope.removeModule(module);
                LOG.log(System.Logger.Level.INFO, "removed module identity " + module + " from IoT Hub: it is no longer deployed");
            }
        }
        identities = deployed;
    }

    private AgentReport.DesiredStatus apply(ObjectNode manifest, long desiredVersion) {
        try {
            runtime.apply(manifest.toString());
            LOG.log(System.Logger.Level.INFO, "applied the deployment of $edgeAgent's desired version " + desiredVersion);
            return new AgentReport.DesiredStatus(200, "", desiredVersion);
        } catch (ManifestException e) {
            LOG.log(System.Logger.Level.WARNING, "refused the deployment of desired version " + desiredVersion
                    + ", the running one stays: " + e.getMessage());
            int code = e.path() != null && e.path().endsWith("schemaVersion") ? 412 : 400;
            return new AgentReport.DesiredStatus(code, e.getMessage(), desiredVersion);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "the deployment of desired version " + desiredVersion + " failed", e);
            return new AgentReport.DesiredStatus(500, String.valueOf(e.getMessage()), desiredVersion);
        }
    }

    /** Sends what changed since the last report, if anything did. */
    private void report(TwinSession agent) {
        ObjectNode now = AgentReport.of(version, lastStatus, runtime.modules());
        ObjectNode patch = TwinPatch.diff(reported, now);
        if (!patch.isEmpty()) {
            agent.report(patch);
            reported = now;
        }
    }

    private void await(Duration time) {
        try {
            signals.poll(time.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    @Override
    public void close() {
        closed = true;
        worker.interrupt();
    }
}
