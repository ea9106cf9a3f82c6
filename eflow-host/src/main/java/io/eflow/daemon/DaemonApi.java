package io.eflow.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import io.eflow.console.LiveStreams;
import io.eflow.contract.wire.Check;
import io.eflow.contract.wire.ProvisioningSpec;
import io.eflow.daemon.api.CliLine;
import io.eflow.daemon.api.CopyDone;
import io.eflow.daemon.api.CopyRequest;
import io.eflow.daemon.api.EndpointAdd;
import io.eflow.daemon.api.EndpointAddress;
import io.eflow.daemon.api.FeatureChange;
import io.eflow.daemon.api.FirewallChange;
import io.eflow.daemon.api.HubPublish;
import io.eflow.daemon.api.IdentityAdd;
import io.eflow.daemon.api.IdentityRemoved;
import io.eflow.daemon.api.ImageLoad;
import io.eflow.daemon.api.InvokeRequest;
import io.eflow.daemon.api.LogsRequest;
import io.eflow.daemon.api.LogsResult;
import io.eflow.daemon.api.ModuleRestarted;
import io.eflow.daemon.api.NameServerChange;
import io.eflow.daemon.api.NetworkAdd;
import io.eflow.daemon.api.PowerChange;
import io.eflow.daemon.api.ProxyChange;
import io.eflow.daemon.api.Published;
import io.eflow.daemon.api.Removed;
import io.eflow.daemon.api.RenewRequest;
import io.eflow.daemon.api.SerialPortChange;
import io.eflow.daemon.api.SetRequest;
import io.eflow.daemon.api.ShareChange;
import io.eflow.daemon.api.SizingChange;
import io.eflow.daemon.api.UpdateOptions;
import io.eflow.daemon.api.UpdateRequest;
import io.eflow.daemon.api.UpstreamChange;
import io.eflow.daemon.api.Verification;
import io.eflow.daemon.api.VersionInfo;
import io.eflow.firewall.FirewallRule;
import io.eflow.forward.Forward;
import io.eflow.forward.Forwards;
import io.eflow.instance.InstanceManager;
import io.eflow.instance.model.InstanceConfig;
import io.eflow.instance.model.InstanceName;
import io.eflow.instance.model.PowerState;
import io.eflow.modules.AgentClient;
import io.eflow.modules.CloudClient;
import io.eflow.modules.HubClient;
import io.eflow.modules.RuntimeSocket;
import io.eflow.platform.EflowException;
import io.eflow.platform.FileTrees;
import io.eflow.platform.InvalidValue;
import io.eflow.platform.Json;
import io.eflow.platform.Progress;
import io.eflow.update.Updater;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * eflowd's REST API, version 1: one endpoint per eflow command, each a thin translation to
 * {@link InstanceManager}. {@code {name}} is an instance name, or {@code _} for "the only instance".
 * <pre>
 * GET    /v1/version                        VersionInfo
 * GET    /v1/host                           HostInfo                       (host-config)
 * GET    /v1/tpm                            TpmProvisioningInfo            (tpm-info; the host's TPM)
 * POST   /v1/cli                CliLine        CliLine.Answer              (a CLI line run here; 503 when busy)
 * GET    /v1/instances                      [InstanceSummary]              (list)
 * POST   /v1/instances          DeployRequest  NDJSON of DeployEvent       (deploy)
 * GET    /v1/instances/{name}               InstanceDetails                (get)
 * GET    /v1/instances/{name}/events        server-sent events of {instance: InstanceDetails, modules}, on change (console)
 * GET    /v1/instances/{name}/history       [MetricsPoint], the last hour every 30 s (console charts)
 * WS     /v1/instances/{name}/terminal?cols=C&amp;rows=R  a login shell on a pty: binary frames both ways, text {cols, rows} resizes
 * DELETE /v1/instances/{name}[?force=true]  Removed                        (remove)
 * POST   /v1/instances/{name}/start         PowerChange
 * POST   /v1/instances/{name}/stop          PowerChange
 * POST   /v1/instances/{name}/set      SetRequest     SizingChange   (Set-EflowVM)
 * GET    /v1/instances/{name}/verify        Verification
 * GET    /v1/instances/{name}/addr          GuestAddress
 * POST   /v1/instances/{name}/invoke   InvokeRequest  CommandResult (stdout/stderr base64)
 * POST   /v1/instances/{name}/copy     CopyRequest    CopyDone
 * POST   /v1/instances/{name}/logs     LogsRequest    LogsResult
 * GET    /v1/instances/{name}/logs/bundle   the same zip as a download (console)
 * POST   /v1/instances/{name}/connect       ConnectInfo
 * POST   /v1/instances/{name}/rotate-keys   KeysRotated                    (rotate-keys: the guest's host key)
 * POST   /v1/rotate-keys                    KeysRotated                    (rotate-keys --all: the user CA, every host key)
 * GET    /v1/instances/{name}/features/{feature}                  Feature
 * POST   /v1/instances/{name}/features/{feature}  FeatureChange   Feature        (from the next start)
 * GET    /v1/instances/{name}/devices       SerialPortList
 * POST   /v1/instances/{name}/devices       SerialPortChange SerialPortList (add or remove; from the next start)
 * GET    /v1/networks                       [NetworkView]
 * POST   /v1/networks                       NetworkAdd     NetworkView
 * DELETE /v1/networks/{network}             -              NetworkView    (refused while an endpoint uses it)
 * GET    /v1/instances/{name}/endpoints     EndpointList
 * POST   /v1/instances/{name}/endpoints     EndpointAdd    EndpointList   (from the next start)
 * POST   /v1/instances/{name}/endpoints/{endpoint}/address  EndpointAddress  EndpointList
 * DELETE /v1/instances/{name}/endpoints/{endpoint}          -                EndpointList
 * GET    /v1/instances/{name}/proxy         ProxyView
 * POST   /v1/instances/{name}/proxy         ProxyChange    ProxyView      (at once, and from every start)
 * GET    /v1/instances/{name}/shares        ShareList
 * POST   /v1/instances/{name}/shares        ShareChange    ShareList      (add or remove; from the next start)
 * GET    /v1/instances/{name}/dns           NameServerView
 * POST   /v1/instances/{name}/dns           NameServerChange NameServerView (Set-EflowVmDNSServers, host link or endpoint; none: default)
 * GET    /v1/instances/{name}/firewall      FirewallView
 * POST   /v1/instances/{name}/firewall/rules         FirewallChange  FirewallView   (allow)
 * POST   /v1/instances/{name}/firewall/rules/remove  FirewallChange  FirewallView
 * POST   /v1/instances/{name}/deployment    manifest JSON  DeploymentApplied          (deployment apply)
 * GET    /v1/instances/{name}/deployment    the applied manifest                      (deployment show)
 * GET    /v1/instances/{name}/modules       {module: ModuleReport}                    (module list)
 * POST   /v1/instances/{name}/modules/{module}/restart[?newIdentity=true]  ModuleRestarted  (module restart)
 * GET    /v1/instances/{name}/modules/{module}/logs/events?tail=N  the followed log as server-sent events (console)
 * GET    /v1/instances/{name}/modules/{module}/logs?tail=N&since=T&follow=true  NDJSON of LogLine,
 *                                                     ending with {"ok": true} or {"ok": false, "error": ...}
 * POST   /v1/instances/{name}/modules/{module}/methods/{method}[?timeout=S]  payload JSON  MethodResult
 *                                                                                    (module invoke; direct method)
 * GET    /v1/instances/{name}/hub           HubStatus                                             (hub status)
 * GET    /v1/instances/{name}/hub/events    server-sent events of HubStatus, on change (console)
 * GET    /v1/instances/{name}/hub/metrics   text/plain, the Prometheus text format                   (hub metrics)
 * POST   /v1/instances/{name}/hub/publish   HubPublish  Published                                (hub publish)
 * GET    /v1/instances/{name}/hub/subscribe[?module=M[&output=O]]  NDJSON of ModuleMessage (body base64),
 *                                                     ending like a followed log (hub subscribe)
 * GET    /v1/instances/{name}/hub/identities              [HubIdentity] (no connectionString) (hub identity list)
 * POST   /v1/instances/{name}/hub/identities   IdentityAdd  HubIdentity             (hub identity add)
 * GET    /v1/instances/{name}/hub/identities/{id}         HubIdentity                       (hub identity show)
 * POST   /v1/instances/{name}/hub/identities/{id}/remove  IdentityRemoved                   (hub identity remove)
 * GET    /v1/instances/{name}/hub/ca        application/x-pem-file, the edge CA certificate          (hub ca)
 * GET    /v1/instances/{name}/hub/upstream  UpstreamState                                        (hub upstream show)
 * PUT    /v1/instances/{name}/hub/upstream  UpstreamChange  as GET, after the change           (hub upstream set)
 * POST   /v1/instances/{name}/hub/upstream/clear            as GET, after the change           (hub upstream clear)
 * GET    /v1/instances/{name}/provisioning  ProvisioningState                              (provision show)
 * PUT    /v1/instances/{name}/provisioning  ProvisioningSpec  ProvisioningState            (provision)
 * POST   /v1/instances/{name}/provisioning/renew  RenewRequest  ProvisioningState               (provision renew)
 * POST   /v1/instances/{name}/provisioning/remove  ProvisioningState                       (provision remove)
 * POST   /v1/instances/{name}/images/load   {file, reference}  NDJSON progress, then ImagesLoaded (image load)
 * GET    /v1/instances/{name}/check         [Check]                                   (check)
 * GET    /v1/instances/{name}/forwards      [Forward]                                 (forward list)
 * POST   /v1/instances/{name}/forwards      Forward   [Forward]                       (forward add)
 * POST   /v1/instances/{name}/forwards/remove  Forward  [Forward]                     (forward remove)
 * POST   /v1/instances/{name}/update        UpdateRequest  NDJSON of DeployEvent, result UpdateView   (update apply)
 * GET    /v1/instances/{name}/update        UpdateView                                  (update status)
 * POST   /v1/instances/{name}/update/rollback  UpdateRequest  NDJSON, result UpdateView   (update rollback)
 * GET    /v1/instances/{name}/update/check?source=DIR|URL[&ca=PEM]  [UpdateCheck.Row]   (update check)
 * </pre>
 * The routes that forward to a guest's runtime answer with its typed replies ({@code io.eflow.contract.wire}:
 * ModuleReport, LogLine, MethodResult, HubStatus, ModuleMessage, HubIdentity, UpstreamState, ProvisioningState,
 * ImagesLoaded, Check), as
 * plain JSON without the wire's {@code reply} kind; a runtime's failure keeps its kind as the status.
 * Every error is its status (400, 403, 404, 409, 500, 502 when IoT Hub refused or could not be reached, 504) with {@code {"error": "<one line>"}}. A followed NDJSON answer
 * (logs with follow, hub subscribe) also carries blank lines while it has nothing to say, which readers skip: writing
 * is how the daemon notices a reader that left.
 */
final class DaemonApi {
    private final InstanceManager manager;
    private final DeployStream deploy;
    private final AgentClient edge;
    private final HubClient hub;
    private final CloudClient cloud;
    private final Forwards forwards;
    private final InstanceEvents events;
    private final TerminalSocket terminals;
    private final MetricsHistory history;
    private final TimeSync timeSync;
    private final Updater updater;
    private final Function<CliLine, CliLine.Answer> lines;
    /**
     * A command line run here holds a request thread while its command calls this API on another: a bound well under
     * the pool's threads ({@link Eflowd#MAX_THREADS}) keeps those calls served. Beyond it the client is told 503 and runs
     * the line itself, in its own JVM, which costs the daemon nothing while it starts.
     */
    private static final int LINE_SLOTS = 8;
    private final Semaphore lineSlots = new Semaphore(LINE_SLOTS);

    DaemonApi(InstanceManager manager, Forwards forwards) {
        this(manager, forwards, new RuntimeSocket(manager), null);
    }

    DaemonApi(InstanceManager manager, Forwards forwards, Function<CliLine, CliLine.Answer> lines) {
        this(manager, forwards, new RuntimeSocket(manager), lines);
    }

    /**
     * @param runtime how requests reach the guests' runtimes
     * @param lines runs a CLI command line in this process ({@code POST /v1/cli}); null: no such route
     */
    DaemonApi(InstanceManager manager, Forwards forwards, RuntimeSocket runtime, Function<CliLine, CliLine.Answer> lines) {
        this.lines = lines;
        this.manager = manager;
        this.updater = new Updater(manager);
        updater.reconcileAll();
        this.deploy = new DeployStream(manager);
        this.edge = new AgentClient(manager, runtime);
        this.events = new InstanceEvents(manager, edge);
        this.terminals = new TerminalSocket(manager);
        this.history = new MetricsHistory(manager, Clock.systemUTC());
        this.timeSync = new TimeSync(manager);
        this.hub = new HubClient(runtime);
        this.cloud = new CloudClient(runtime);
        this.forwards = forwards;
    }

    /** Starts what the daemon does in the background: the console's hour of metrics, and time-sync. */
    void start() {
        history.start();
        timeSync.start();
    }

    /** Stops it again. */
    void stop() {
        history.close();
        timeSync.close();
    }

    void register(RoutesConfig routes) {
        routes.get("/v1/version", ctx -> ctx.json(VersionInfo.current()));
        if (lines != null) {
            routes.post("/v1/cli", this::runLine);
        }
        routes.get("/v1/host", ctx -> ctx.json(manager.hostConfig()));
        routes.get("/v1/tpm", ctx -> ctx.json(manager.tpmProvisioningInfo()));
        routes.get("/v1/instances", ctx -> ctx.json(manager.list()));
        routes.post("/v1/instances", deploy::handle);
        routes.post("/v1/instances/{name}/update", ctx -> {
            String name = name(ctx);
            UpdateRequest request = Json.readRequest(ctx.bodyAsBytes(), UpdateRequest.class);
            if (request.source() == null || request.source().isBlank()) {
                throw new EflowException("update apply needs a bundle file or an https URL");
            }
            UpdateOptions asked = request.options();
            String source = stagedOnly(ctx, "the update source", request.source(), true);
            UpdateOptions options = new UpdateOptions(asked.allowSkip(), asked.allowDowngrade(), asked.noRestart(),
                    asked.healthTimeoutSeconds(), asked.tries(), stagedOnly(ctx, "the CA certificate", asked.caCertificate(), false));
            DeployStream.stream(ctx, "update " + name, progress -> updater.apply(name, source, options, progress));
        });
        routes.get("/v1/instances/{name}/update", ctx -> ctx.json(updater.status(name(ctx))));
        routes.get("/v1/instances/{name}/update/check", ctx -> {
            String name = name(ctx);
            String ca = stagedOnly(ctx, "the CA certificate", ctx.queryParam("ca"), false);
            ctx.json(updater.check(name, stagedOnly(ctx, "the update source", ctx.queryParam("source"), true), ca == null ? null : Path.of(ca)));
        });
        routes.post("/v1/instances/{name}/update/rollback", ctx -> {
            String name = name(ctx);
            UpdateRequest request = Json.readRequest(ctx.bodyAsBytes(), UpdateRequest.class);
            DeployStream.stream(ctx, "rollback " + name, progress -> updater.rollback(name, request.noRestart(), progress));
        });
        routes.get("/v1/instances/{name}", ctx -> ctx.json(manager.get(name(ctx))));
        routes.get("/v1/instances/{name}/events", ctx -> events.instance(ctx, name(ctx)));
        routes.get("/v1/instances/{name}/history", ctx -> ctx.json(history.history(name(ctx))));
        routes.ws("/v1/instances/{name}/terminal", terminals::configure);
        routes.delete("/v1/instances/{name}", this::remove);
        routes.post("/v1/instances/{name}/start", this::start);
        routes.post("/v1/instances/{name}/stop", this::stop);
        routes.post("/v1/instances/{name}/set", this::set);
        routes.get("/v1/instances/{name}/verify", ctx -> {
            String name = name(ctx);
            ctx.json(new Verification(name, manager.verify(name)));
        });
        routes.get("/v1/instances/{name}/addr", ctx -> ctx.json(manager.addr(name(ctx))));
        routes.post("/v1/instances/{name}/invoke", this::invoke);
        routes.post("/v1/instances/{name}/copy", this::copy);
        routes.post("/v1/instances/{name}/logs", this::logs);
        routes.get("/v1/instances/{name}/logs/bundle", this::logBundle);
        routes.post("/v1/instances/{name}/connect", ctx -> ctx.json(manager.connect(name(ctx))));
        routes.post("/v1/instances/{name}/rotate-keys", ctx -> ctx.json(manager.rotateKeys(name(ctx), false)));
        routes.post("/v1/rotate-keys", ctx -> ctx.json(manager.rotateKeys(null, true)));
        routes.get("/v1/instances/{name}/firewall", ctx -> ctx.json(manager.firewall(name(ctx))));
        routes.get("/v1/instances/{name}/devices", ctx -> ctx.json(manager.hostResources().serialPorts(name(ctx))));
        routes.post("/v1/instances/{name}/devices", ctx -> ctx.json(manager.hostResources().changeSerialPorts(name(ctx),
                Json.readRequest(ctx.bodyAsBytes(), SerialPortChange.class))));
        routes.get("/v1/networks", ctx -> ctx.json(manager.networks().list()));
        routes.post("/v1/networks", ctx -> ctx.json(manager.networks().add(remotelyAllowed(ctx, Json.readRequest(ctx.bodyAsBytes(),
                NetworkAdd.class)))));
        routes.delete("/v1/networks/{network}", ctx -> ctx.json(manager.networks().remove(ctx.pathParam("network"))));
        routes.get("/v1/instances/{name}/endpoints", ctx -> ctx.json(manager.endpoints().list(name(ctx))));
        routes.post("/v1/instances/{name}/endpoints", ctx -> ctx.json(manager.endpoints().add(name(ctx),
                Json.readRequest(ctx.bodyAsBytes(), EndpointAdd.class))));
        routes.post("/v1/instances/{name}/endpoints/{endpoint}/address", ctx -> ctx.json(manager.endpoints().readdress(name(ctx),
                ctx.pathParam("endpoint"), Json.readRequest(ctx.bodyAsBytes(), EndpointAddress.class))));
        routes.delete("/v1/instances/{name}/endpoints/{endpoint}", ctx -> ctx.json(manager.endpoints().remove(name(ctx),
                ctx.pathParam("endpoint"))));
        routes.get("/v1/instances/{name}/shares", ctx -> ctx.json(manager.hostResources().shares(name(ctx))));
        routes.post("/v1/instances/{name}/shares", ctx -> ctx.json(manager.hostResources().changeShares(name(ctx),
                Json.readRequest(ctx.bodyAsBytes(), ShareChange.class))));
        routes.get("/v1/instances/{name}/proxy", ctx -> ctx.json(manager.hostResources().proxy(name(ctx))));
        routes.post("/v1/instances/{name}/proxy", ctx -> ctx.json(manager.hostResources().setProxy(name(ctx),
                Json.readRequest(ctx.bodyAsBytes(), ProxyChange.class))));
        routes.get("/v1/instances/{name}/dns", ctx -> ctx.json(manager.hostResources().nameServers(name(ctx))));
        routes.post("/v1/instances/{name}/dns", ctx -> {
            NameServerChange change = Json.readRequest(ctx.bodyAsBytes(), NameServerChange.class);
            ctx.json(manager.hostResources().setNameServers(name(ctx), change.endpoint(), change.servers()));
        });
        routes.get("/v1/instances/{name}/features/{feature}", ctx -> ctx.json(manager.feature(name(ctx), ctx.pathParam("feature"))));
        routes.post("/v1/instances/{name}/features/{feature}", ctx -> ctx.json(manager.setFeature(name(ctx), ctx.pathParam("feature"),
                Json.readRequest(ctx.bodyAsBytes(), FeatureChange.class).enabled())));
        routes.post("/v1/instances/{name}/firewall/rules", ctx -> changeFirewall(ctx, true));
        routes.post("/v1/instances/{name}/firewall/rules/remove", ctx -> changeFirewall(ctx, false));
        routes.post("/v1/instances/{name}/deployment", ctx -> ctx.json(edge.apply(name(ctx), ctx.bodyAsBytes())));
        routes.get("/v1/instances/{name}/deployment", ctx -> ctx.json(edge.deployment(name(ctx))));
        routes.get("/v1/instances/{name}/modules", ctx -> ctx.json(edge.modules(name(ctx))));
        routes.post("/v1/instances/{name}/modules/{module}/restart", ctx -> {
            edge.restart(name(ctx), ctx.pathParam("module"), Boolean.parseBoolean(ctx.queryParam("newIdentity")));
            ctx.json(new ModuleRestarted(ctx.pathParam("module"), true));
        });
        routes.get("/v1/instances/{name}/modules/{module}/logs", this::moduleLogs);
        routes.get("/v1/instances/{name}/modules/{module}/logs/events", this::moduleLogEvents);
        routes.post("/v1/instances/{name}/modules/{module}/methods/{method}", this::invokeMethod);
        registerHub(routes);
        routes.get("/v1/instances/{name}/provisioning", ctx -> ctx.json(cloud.provisioning(name(ctx))));
        routes.put("/v1/instances/{name}/provisioning", ctx -> ctx.json(cloud.provision(name(ctx),
                Json.readRequest(ctx.bodyAsBytes(), ProvisioningSpec.class))));
        routes.post("/v1/instances/{name}/provisioning/renew", ctx -> ctx.json(cloud.renew(name(ctx),
                Json.readRequest(ctx.bodyAsBytes(), RenewRequest.class))));
        routes.post("/v1/instances/{name}/provisioning/remove", ctx -> ctx.json(cloud.remove(name(ctx))));
        routes.post("/v1/instances/{name}/images/load", ctx -> {
            ImageLoad request = Json.readRequest(ctx.bodyAsBytes(), ImageLoad.class);
            String name = name(ctx);
            Path file = Path.of(request.file());
            AgentClient.requireFile(file);
            DeployStream.stream(ctx, "image load into " + name, progress -> edge.load(name, file, request.reference(), Progress.of(progress)));
        });
        routes.get("/v1/instances/{name}/check", ctx -> {
            String name = name(ctx);
            List<Check> checks = new ArrayList<>(edge.check(name));
            checks.add(cloud.check(name));
            ctx.json(checks);
        });
        routes.get("/v1/instances/{name}/forwards", ctx -> ctx.json(forwards.list(name(ctx))));
        routes.post("/v1/instances/{name}/forwards", ctx -> {
            Forward forward = remotelyAllowed(ctx, Json.readRequest(ctx.bodyAsBytes(), Forward.class));
            ctx.json(forwards.add(name(ctx), forward));
        });
        routes.post("/v1/instances/{name}/forwards/remove", ctx -> ctx.json(forwards.remove(name(ctx),
                Json.readRequest(ctx.bodyAsBytes(), Forward.class))));
        ErrorMapping.register(routes);
    }

    /**
     * Over the remote API (the console's HTTPS listener, the only secure connector) a forward may only bring a guest port
     * to a TCP port of the host: a UNIX socket path is a file the daemon, as root, would create anywhere, and a forward
     * to the host hands the guest's modules the host's loopback services. Both stay with the host's own users.
     */
    private static Forward remotelyAllowed(Context ctx, Forward forward) {
        if (ctx.req().isSecure() && (forward.direction() == Forward.Direction.TO_HOST || forward.hostSide().socket() != null)) {
            throw new EflowException(403, "forwards to the host and forwards on UNIX sockets work on the host only: run"
                    + " eflow forward add there");
        }
        return forward;
    }

    /**
     * Over the remote API an update may read the host's files only where bundles are staged ({@code EFLOW_HOME/updates}):
     * the daemon runs as root, and a remote admin manages the guest, not the host's file system. An https:// source is
     * fetched as on the host (spelled as the updater tells a URL from a path); a CA is always a file. What is passed on
     * is the real path the check judged, links resolved, so nothing can swap a link between the check and the read.
     */
    private String stagedOnly(Context ctx, String what, String value, boolean urlAllowed) {
        if (value == null || !ctx.req().isSecure() || urlAllowed && value.startsWith("https://")) {
            return value;
        }
        Path staged = manager.paths().updates();
        try {
            Files.createDirectories(staged);
            Path real = Path.of(value).toRealPath();
            if (Path.of(value).isAbsolute() && real.startsWith(staged.toRealPath())) {
                return real.toString();
            }
        } catch (IOException | InvalidPathException e) {
            // not there, or not a path: refused as below, in the same words, so the answer tells nothing of the host
        }
        throw new EflowException(403, "over the remote API " + what + " must be " + (urlAllowed ? "an https:// URL or " : "")
                + "a file in " + staged + " (copy it there on the host)");
    }

    /**
     * Over the remote API a network may not take in one of the host's own interfaces (a bridge's uplink): that hands a
     * host device, and the host's link, to guests, as a shared folder or serial port would.
     */
    private static NetworkAdd remotelyAllowed(Context ctx, NetworkAdd network) {
        if (ctx.req().isSecure() && network.uplink() != null && !network.uplink().isBlank()) {
            throw new EflowException(403, "a network on one of the host's interfaces (" + network.uplink() + ") is made on the"
                    + " host only: run eflow network add there");
        }
        return network;
    }

    /**
     * Resolves the path's name before anything else, so every endpoint answers a malformed name with 400 and an
     * unknown one with 404 in the same words.
     */
    String name(Context ctx) {
        String raw = ctx.pathParam("name");
        return manager.resolveName(InstanceName.fromPathSegment(raw).map(InstanceName::value).orElse(null));
    }

    private void changeFirewall(Context ctx, boolean allow) {
        String name = name(ctx);
        FirewallChange change = Json.readRequest(ctx.bodyAsBytes(), FirewallChange.class);
        ctx.json(manager.changeFirewall(name, FirewallRule.of(change.protocol(), change.port(), change.source(), change.endpoint()), allow));
    }

    /** Streams a module's log. */
    private void moduleLogs(Context ctx) throws IOException {
        String name = name(ctx);
        String module = ctx.pathParam("module");
        Integer tail = ctx.queryParam("tail") == null ? null : Integer.valueOf(ctx.queryParam("tail"));
        boolean follow = Boolean.parseBoolean(ctx.queryParam("follow"));
        ndjson(ctx, out -> edge.logs(name, module, tail, ctx.queryParam("since"), follow, out));
    }

    /** A module's log followed as server-sent events, for the console: the followed NDJSON, one line per event. */
    private void moduleLogEvents(Context ctx) throws IOException {
        String name = name(ctx);
        String module = ctx.pathParam("module");
        Integer tail = ctx.queryParam("tail") == null ? 100 : Integer.valueOf(ctx.queryParam("tail"));
        ctx.header("Cache-Control", "no-store").header("X-Accel-Buffering", "no");
        stream(ctx, SseFraming.CONTENT_TYPE, SseFraming::new, out -> edge.logs(name, module, tail, null, true, out));
    }

    private void registerHub(RoutesConfig routes) {
        routes.get("/v1/instances/{name}/hub", ctx -> ctx.json(hub.status(name(ctx))));
        routes.get("/v1/instances/{name}/hub/events", ctx -> {
            String name = name(ctx);
            events.hub(ctx, name, () -> hub.status(name));
        });
        routes.get("/v1/instances/{name}/hub/metrics", ctx -> {
            String metrics = hub.metrics(name(ctx));
            ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics);
        });
        routes.post("/v1/instances/{name}/hub/publish", ctx -> {
            String name = name(ctx);
            HubPublish message = Json.readRequest(ctx.bodyAsBytes(), HubPublish.class).checked();
            hub.publish(name, message);
            ctx.json(new Published(message.module(), message.input(), true));
        });
        routes.get("/v1/instances/{name}/hub/subscribe", ctx -> {
            String name = name(ctx);
            ndjson(ctx, out -> hub.subscribe(name, ctx.queryParam("module"), ctx.queryParam("output"), out));
        });
        routes.get("/v1/instances/{name}/hub/identities", ctx -> ctx.json(hub.identities(name(ctx))));
        routes.post("/v1/instances/{name}/hub/identities", ctx -> {
            String name = name(ctx);
            ctx.json(hub.addIdentity(name, Json.readRequest(ctx.bodyAsBytes(), IdentityAdd.class).name()));
        });
        routes.get("/v1/instances/{name}/hub/identities/{id}", ctx -> ctx.json(hub.identity(name(ctx), ctx.pathParam("id"))));
        routes.post("/v1/instances/{name}/hub/identities/{id}/remove", ctx -> {
            hub.removeIdentity(name(ctx), ctx.pathParam("id"));
            ctx.json(new IdentityRemoved(ctx.pathParam("id"), true));
        });
        routes.get("/v1/instances/{name}/hub/ca", ctx -> {
            String pem = hub.ca(name(ctx));
            ctx.contentType("application/x-pem-file").result(pem);
        });
        routes.get("/v1/instances/{name}/hub/upstream", ctx -> ctx.json(hub.upstream(name(ctx))));
        routes.put("/v1/instances/{name}/hub/upstream", ctx -> {
            String name = name(ctx);
            UpstreamChange change = Json.readRequest(ctx.bodyAsBytes(), UpstreamChange.class);
            hub.setUpstream(name, change.upstream(), change.deviceId());
            ctx.json(hub.upstream(name));
        });
        routes.post("/v1/instances/{name}/hub/upstream/clear", ctx -> {
            String name = name(ctx);
            hub.clearUpstream(name);
            ctx.json(hub.upstream(name));
        });
    }

    /** A direct method: the body is its payload (any JSON; none is null), the answer the module's status and payload. */
    private void invokeMethod(Context ctx) {
        String name = name(ctx);
        byte[] body = ctx.bodyAsBytes();
        JsonNode payload;
        try {
            payload = body.length == 0 ? null : Json.readValue(body);
        } catch (IllegalArgumentException e) {
            throw new EflowException("the method's payload is not JSON: " + e.getMessage());
        }
        String timeout = ctx.queryParam("timeout");
        Integer seconds;
        try {
            seconds = timeout == null ? null : Integer.valueOf(timeout);
        } catch (NumberFormatException e) {
            throw new EflowException("timeout must be a number of seconds, not '" + timeout + "'");
        }
        ctx.json(hub.invoke(name, ctx.pathParam("module"), ctx.pathParam("method"), payload, seconds));
    }

    /**
     * Answers with NDJSON lines that {@code work} writes as they come. An error before anything was written is an
     * ordinary error answer (a guest that is not running is a 409); after that it travels as the last line,
     * {@code {"ok": false, "error": ...}}, and success as {@code {"ok": true}}.
     */
    private static void ndjson(Context ctx, Consumer<OutputStream> work) throws IOException {
        stream(ctx, NdjsonSink.CONTENT_TYPE, Function.identity(), work);
    }

    /** NDJSON lines from {@code work}, then {@code {"ok":…}}, framed for the reader ({@link SseFraming} or as they are). */
    private static void stream(Context ctx, String contentType, Function<OutputStream, OutputStream> framing, Consumer<OutputStream> work)
            throws IOException {
        OutputStream raw = ctx.res().getOutputStream();
        try (LiveStreams.Watch watch = LiveStreams.watch(ctx, () -> closeQuietly(raw))) {
            ctx.status(200).contentType(contentType);
            OutputStream out = framing.apply(watch.guard(raw));
            String end;
            try {
                work.accept(out);
                end = "{\"ok\":true}";
            } catch (EflowException e) {
                if (!ctx.res().isCommitted()) {
                    throw e;
                }
                end = Json.MAPPER.createObjectNode().put("ok", false).put("error", e.getMessage()).toString();
            } catch (UncheckedIOException e) {
                return; // the client went away, or its session ended
            }
            out.write((end + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    /** Ends a streamed answer from another thread: the client sees its end, the writer's next write fails. */
    static void closeQuietly(OutputStream raw) {
        try {
            raw.close();
        } catch (IOException | RuntimeException e) {
            // the answer was ending anyway
        }
    }

    private void start(Context ctx) {
        String name = name(ctx);
        manager.start(name);
        ctx.json(new PowerChange(name, PowerState.RUNNING));
    }

    private void stop(Context ctx) {
        String name = name(ctx);
        manager.stop(name);
        ctx.json(new PowerChange(name, PowerState.STOPPED));
    }

    private void set(Context ctx) {
        String name = name(ctx);
        SetRequest request = Json.readRequest(ctx.bodyAsBytes(), SetRequest.class);
        InstanceConfig changed = manager.set(name, request);
        boolean running = manager.list().stream()
                .anyMatch(summary -> summary.name().equals(name) && summary.powerState() == PowerState.RUNNING);
        ctx.json(SizingChange.of(changed, running));
    }

    /** Removing deletes the data disk: a running instance goes only with {@code ?force=true}. */
    private void remove(Context ctx) {
        String name = name(ctx);
        boolean force = Boolean.parseBoolean(ctx.queryParam("force"));
        boolean running = manager.list().stream()
                .anyMatch(summary -> summary.name().equals(name) && summary.powerState() == PowerState.RUNNING);
        if (running) {
            if (!force) {
                throw new InvalidValue(409, List.of("force"), "is needed: instance '" + name + "' is running (or stop it first)");
            }
            manager.stop(name);
        }
        manager.remove(name);
        forwards.forget(name);
        ctx.json(new Removed(name));
    }

    private void runLine(Context ctx) {
        CliLine line;
        try {
            line = CliLine.decode(ctx.bodyAsBytes());
        } catch (IllegalArgumentException e) {
            throw new EflowException(e.getMessage());
        }
        if (!lineSlots.tryAcquire()) {
            throw new EflowException(503, "eflowd runs " + LINE_SLOTS + " command lines already: the CLI runs this one itself");
        }
        try {
            ctx.contentType("application/octet-stream").result(lines.apply(line).encode());
        } finally {
            lineSlots.release();
        }
    }

    private void invoke(Context ctx) {
        String name = name(ctx);
        InvokeRequest request = Json.readRequest(ctx.bodyAsBytes(), InvokeRequest.class);
        ctx.json(manager.invoke(name, request.checkedCommand(), request.timeout()));
    }

    private void copy(Context ctx) {
        String name = name(ctx);
        CopyRequest request = Json.readRequest(ctx.bodyAsBytes(), CopyRequest.class).checked();
        manager.copy(name, Path.of(request.from()), request.to(), request.push());
        ctx.json(new CopyDone(name, request.from(), request.to(), request.push()));
    }

    /** Get-EflowLogs for a browser: the same zip, made in the daemon's run folder and sent as a download. */
    private void logBundle(Context ctx) throws IOException {
        String name = name(ctx);
        Path folder = Files.createTempDirectory(manager.paths().run(), "bundle-");
        try {
            Path written = manager.logs(name, new LogsRequest(null, folder.toString()).outputFor(name, Instant.now()));
            ctx.contentType("application/zip").header("Content-Disposition", "attachment; filename=\"" + written.getFileName() + "\"");
            try (OutputStream out = ctx.res().getOutputStream()) {
                Files.copy(written, out);
            }
        } finally {
            FileTrees.deleteRecursively(folder);
        }
    }

    private void logs(Context ctx) {
        String name = name(ctx);
        LogsRequest request = Json.readRequest(ctx.bodyAsBytes(), LogsRequest.class);
        Path written = manager.logs(name, request.outputFor(name, Instant.now()));
        ctx.json(new LogsResult(name, written.toString()));
    }
}
