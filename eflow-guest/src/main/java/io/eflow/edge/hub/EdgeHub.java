package io.eflow.edge.hub;

import com.fasterxml.jackson.databind.JsonNode;
import io.eflow.contract.json.TwinPatch;
import io.eflow.contract.manifest.EdgeHubProperties;
import io.eflow.contract.route.Route;
import io.eflow.edge.hub.auth.AuthenticationException;
import io.eflow.edge.hub.auth.Authenticator;
import io.eflow.edge.hub.auth.ClientId;
import io.eflow.edge.hub.auth.Credentials;
import io.eflow.edge.hub.message.HubMessage;
import io.eflow.edge.hub.message.HubMessageCodec;
import io.eflow.edge.hub.message.MessageSource;
import io.eflow.edge.hub.mqtt.ConnectedClient;
import io.eflow.edge.hub.mqtt.HubConnector;
import io.eflow.edge.hub.mqtt.Subscription;
import io.eflow.edge.hub.route.Router;
import io.eflow.edge.hub.store.Destination;
import io.eflow.edge.hub.store.DiskFullException;
import io.eflow.edge.hub.store.Message;
import io.eflow.edge.hub.store.MessageStore;
import io.eflow.edge.hub.store.StoreFullException;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The edge hub: takes messages from its clients, routes them by the deployment's routes into the durable store, and
 * has each endpoint's queue delivered — module inputs to the connected modules, {@code $upstream} to the upstream
 * link, the device's cloud-to-device messages (which the upstream link stores) to the client connected as the
 * device. It also keeps the clients' twins and carries direct-method calls to them.
 */
public final class EdgeHub implements HubConnector, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EdgeHub.class.getName());

    private final MessageStore store;
    private final Authenticator authenticator;
    private final Twins twins;
    private final Clock clock;
    private final HubMetrics metrics = new HubMetrics();
    private final MethodCalls methods = new MethodCalls();
    private final Map<ClientId, ConnectedClient> links = new ConcurrentHashMap<>();
    private final Map<String, QueueDispatcher> dispatchers = new ConcurrentHashMap<>();
    private final List<Tap> taps = new CopyOnWriteArrayList<>();
    private final String deviceId;
    private volatile Router router = new Router(List.of());
    private volatile boolean upstreamConnected;
    private volatile BiConsumer<String, JsonNode> reportedSink = (module, patch) -> { };
    private final Map<ClientId, ClientStatus> clients = new ConcurrentHashMap<>();
    private volatile Runnable clientsChanged = () -> { };

    /** A client's connection as IoT Edge's hub reports it in {@code $edgeHub}'s {@code clients}. */
    public record ClientStatus(boolean connected, Instant lastConnected, Instant lastDisconnected) {
    }

    /**
     * @param deviceId the device the modules belong to: inputs are delivered to {@code deviceId/module}
     * @param twins    the folder of the twins' files
     */
    public EdgeHub(String deviceId, MessageStore store, Authenticator authenticator, Path twins, Clock clock) {
        this.deviceId = deviceId;
        this.store = store;
        this.authenticator = authenticator;
        this.twins = new Twins(twins);
        this.clock = clock;
        for (String endpoint : store.endpoints()) {
            Endpoints.moduleInput(endpoint).ifPresent(this::dispatcher);
            if (endpoint.equals(Endpoints.DEVICEBOUND)) {
                cloudToDevice();
            }
        }
    }

    /**
     * Takes a deployment's hub settings: its routes, the modules it runs and their desired properties. Queues of
     * modules no longer deployed are dropped; connected modules get their desired-properties changes.
     */
    public void configure(EdgeHubProperties hub, Set<String> modules, Map<String, JsonNode> moduleTwins) {
        configure(hub);
        for (String module : modules) {
            desire(module, moduleTwins.get(module));
        }
    }

    /**
     * Takes a deployment's routes only: the modules' desired properties come from elsewhere (IoT Hub's module twins,
     * {@link #desire}).
     */
    public void configure(EdgeHubProperties hub) {
        router = Router.of(hub);
        for (Route route : router.routes()) {
            Endpoints.moduleInput(Endpoints.of(route.sink())).ifPresent(this::dispatcher);
        }
    }

    /** Sets a module's desired properties (null: none); when they changed, the connected module gets the patch. */
    public void desire(String module, JsonNode desired) {
        ClientId who = ClientId.module(deviceId, module);
        twins.desire(who, desired).ifPresent(change -> {
            ConnectedClient link = links.get(who);
            if (link != null && link.isSubscribed(Subscription.DESIRED_PROPERTIES)) {
                link.desiredPatch(change.patch(), change.version());
            }
        });
    }

    /** A module's reported properties as the hub keeps them, without their version. */
    public JsonNode reported(String module) {
        return TwinPatch.withoutMetadata(twins.document(ClientId.module(deviceId, module)).path("reported"));
    }

    /** Where each patch a module makes to its reported properties goes once taken (IoT Hub's copy of the twin). */
    public void onReported(BiConsumer<String, JsonNode> sink) {
        reportedSink = Objects.requireNonNull(sink, "sink");
    }

    /** Closes the module's connection, if it has one; its queues and twin stay. */
    public void disconnect(String module, String reason) {
        ConnectedClient link = links.remove(ClientId.module(deviceId, module));
        if (link != null) {
            link.close(reason);
        }
    }

    /**
     * Forgets a module that left the deployment or a host identity that was removed: its queues and twin go, and a
     * connection it still has is closed.
     */
    public void forget(String module) {
        ClientId who = ClientId.module(deviceId, module);
        disconnect(module, "its identity was removed");
        dispatchers.forEach((endpoint, dispatcher) -> {
            if (Endpoints.moduleInput(endpoint).map(input -> input.module().equals(module)).orElse(false)) {
                dispatcher.stop();
                dispatchers.remove(endpoint);
                store.removeEndpoint(endpoint);
            }
        });
        twins.remove(who);
    }

    @Override
    public ClientId authenticate(Credentials credentials) throws AuthenticationException {
        return authenticator.authenticate(credentials, clock.instant());
    }

    @Override
    public void connected(ClientId who, ConnectedClient link) {
        ConnectedClient previous = links.put(who, link);
        if (previous != null && previous != link) {
            previous.close("the same identity connected again");
        }
        Instant now = clock.instant();
        clients.compute(who, (id, was) -> new ClientStatus(true, now, was == null ? null : was.lastDisconnected()));
        tellClientsChanged();
    }

    @Override
    public void subscribed(ClientId who, ConnectedClient link, Subscription subscription) {
        if (subscription == Subscription.INPUTS) {
            who.moduleId().ifPresent(module -> dispatchers.forEach((endpoint, dispatcher) -> {
                if (Endpoints.moduleInput(endpoint).map(input -> input.module().equals(module)).orElse(false)) {
                    dispatcher.wake();
                }
            }));
        }
        if (subscription == Subscription.CLOUD_TO_DEVICE && who.equals(ClientId.device(deviceId))) {
            cloudToDevice().wake();
        }
    }

    @Override
    public void disconnected(ClientId who, ConnectedClient link) {
        // a connection that another of the same identity replaced leaves the identity connected
        if (links.remove(who, link)) {
            Instant now = clock.instant();
            clients.computeIfPresent(who, (id, was) -> new ClientStatus(false, was.lastConnected(), now));
            tellClientsChanged();
        }
    }

    /** Every client that has connected since the hub started. */
    public Map<ClientId, ClientStatus> clients() {
        return Map.copyOf(clients);
    }

    /** A listener's failure is the listener's: the client's connection goes on. */
    private void tellClientsChanged() {
        try {
            clientsChanged.run();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "the listener to the hub's clients failed", e);
        }
    }

    /** Called after each connect and disconnect of a client (on the connection's thread: keep it short). */
    public void onClientsChanged(Runnable listener) {
        clientsChanged = Objects.requireNonNull(listener, "listener");
    }

    @Override
    public CompletableFuture<Void> send(ClientId from, HubMessage message) {
        String source = sourceKey(message.source());
        metrics.received(source);
        taps.forEach(tap -> tap.offer(message));
        List<Route> matched = router.match(message);
        if (matched.isEmpty()) {
            metrics.unrouted();
            return CompletableFuture.completedFuture(null);
        }
        List<Destination> destinations = new ArrayList<>(matched.size());
        for (Route route : matched) {
            metrics.routed(route.name());
            destinations.add(Destination.of(Endpoints.of(route.sink()), Duration.ofSeconds(Math.max(1, route.timeToLiveSecs()))));
        }
        return append(source, message, destinations);
    }

    /**
     * Puts a message straight into a module input's queue, past the routes: what {@code eflow hub publish} does for
     * a host script. Completes when the message is durable.
     */
    public CompletableFuture<Void> publishToInput(String module, String input, HubMessage message) {
        Endpoints.ModuleInput target = new Endpoints.ModuleInput(module, input);
        dispatcher(target);
        return append(sourceKey(message.source()), message, List.of(Destination.of(target.endpoint())));
    }

    private CompletableFuture<Void> append(String source, HubMessage message, List<Destination> destinations) {
        return store.append(new Message(source, HubMessageCodec.encode(message)), destinations)
                .handle((sequence, error) -> {
                    if (error != null) {
                        Throwable cause = error instanceof CompletionException wrapped && wrapped.getCause() != null
                                ? wrapped.getCause() : error;
                        metrics.refused(cause instanceof StoreFullException ? "store_full"
                                : cause instanceof DiskFullException ? "disk_full" : "store_failed");
                        throw error instanceof RuntimeException r ? r : new CompletionException(error);
                    }
                    return null;
                });
    }

    @Override
    public CompletableFuture<JsonNode> twin(ClientId who) {
        return CompletableFuture.completedFuture(twins.document(who));
    }

    @Override
    public CompletableFuture<Long> reportTwin(ClientId who, JsonNode patch) {
        try {
            long version = twins.report(who, patch);
            if (who.deviceId().equals(deviceId)) {
                who.moduleId().ifPresent(module -> reportedSink.accept(module, patch));
            }
            return CompletableFuture.completedFuture(version);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public void methodResponse(ClientId who, String requestId, int status, byte[] payload) {
        if (!methods.answer(who, requestId, status, payload)) {
            LOG.log(System.Logger.Level.DEBUG, who + " answered method request " + requestId + ", which nobody waits for");
        }
    }

    /** Calls a module's direct method; see {@link MethodCalls#call}. */
    public CompletableFuture<MethodResult> invoke(String module, String method, byte[] payload, Duration timeout) {
        ClientId target = ClientId.module(deviceId, module);
        return methods.call(target, links.get(target), method, payload, timeout);
    }

    /**
     * Watches the messages modules send, as they arrive (before routing): what {@code eflow hub subscribe} shows.
     * Not durable — a watcher sees what arrives while it watches. Close the returned handle to stop.
     */
    public AutoCloseable watch(Predicate<MessageSource> sources, Consumer<HubMessage> watcher) {
        Tap tap = new Tap(sources, watcher);
        taps.add(tap);
        return () -> taps.remove(tap);
    }

    /** The upstream link's state, for the metrics. */
    public void upstreamConnected(boolean connected) {
        upstreamConnected = connected;
    }

    public MessageStore store() {
        return store;
    }

    public HubMetrics.Snapshot metrics() {
        return metrics.snapshot(links.size(), upstreamConnected, store.metrics());
    }

    public String deviceId() {
        return deviceId;
    }

    @Override
    public void close() {
        dispatchers.values().forEach(QueueDispatcher::stop);
        links.values().forEach(link -> link.close("the hub is stopping"));
    }

    private void dispatcher(Endpoints.ModuleInput target) {
        ClientId module = ClientId.module(deviceId, target.module());
        dispatcher(target.endpoint(), new QueueDispatcher.Recipient() {
            @Override
            public ConnectedClient ready() {
                ConnectedClient link = links.get(module);
                return link != null && link.acceptsInput(target.input()) ? link : null;
            }

            @Override
            public CompletableFuture<Void> deliver(ConnectedClient link, HubMessage message) {
                return link.deliverInput(target.input(), message);
            }
        });
    }

    /**
     * The device's cloud-to-device queue, delivered to the client connected as this device (its id is the hub's, which
     * may differ from the one IoT Hub knows the device by); made when the queue or such a subscription first appears.
     */
    private QueueDispatcher cloudToDevice() {
        ClientId device = ClientId.device(deviceId);
        return dispatcher(Endpoints.DEVICEBOUND, new QueueDispatcher.Recipient() {
            @Override
            public ConnectedClient ready() {
                ConnectedClient link = links.get(device);
                return link != null && link.isSubscribed(Subscription.CLOUD_TO_DEVICE) ? link : null;
            }

            @Override
            public CompletableFuture<Void> deliver(ConnectedClient link, HubMessage message) {
                return link.deliverCloudToDevice(message);
            }
        });
    }

    private QueueDispatcher dispatcher(String endpoint, QueueDispatcher.Recipient recipient) {
        return dispatchers.computeIfAbsent(endpoint, name -> {
            QueueDispatcher dispatcher = new QueueDispatcher(name, store.queue(name), recipient);
            Thread thread = new Thread(dispatcher, "hub-to-" + name);
            thread.setDaemon(true);
            thread.start();
            return dispatcher;
        });
    }

    /** The store's per-source ordering key, and the metrics' source label. */
    private static String sourceKey(MessageSource source) {
        if (source instanceof MessageSource.Module module) {
            return module.moduleId() + module.output().map(o -> "/" + o).orElse("");
        }
        return source instanceof MessageSource.TwinChange ? "$twinChange" : "$device";
    }

    private record Tap(Predicate<MessageSource> sources, Consumer<HubMessage> watcher) {
        void offer(HubMessage message) {
            if (sources.test(message.source())) {
                try {
                    watcher.accept(message);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "a message watcher failed: " + e.getMessage());
                }
            }
        }
    }
}
