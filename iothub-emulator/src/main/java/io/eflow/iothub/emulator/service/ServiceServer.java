package io.eflow.iothub.emulator.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.eflow.iothub.emulator.auth.Authenticator;
import io.eflow.iothub.emulator.auth.Principal;
import io.eflow.iothub.emulator.hub.CloudMessage;
import io.eflow.iothub.emulator.hub.Connections;
import io.eflow.iothub.emulator.hub.MethodCalls;
import io.eflow.iothub.emulator.hub.MethodResult;
import io.eflow.iothub.emulator.hub.ReceivedMessage;
import io.eflow.iothub.emulator.hub.Telemetry;
import io.eflow.iothub.emulator.registry.Access;
import io.eflow.iothub.emulator.registry.AuthType;
import io.eflow.iothub.emulator.registry.DeviceIdentity;
import io.eflow.iothub.emulator.registry.HubException;
import io.eflow.iothub.emulator.registry.IdentityRef;
import io.eflow.iothub.emulator.registry.ModuleIdentity;
import io.eflow.iothub.emulator.registry.Registry;
import io.eflow.iothub.emulator.registry.TwinState;
import io.eflow.iothub.emulator.tls.RelayedClients;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The service side (behind the HTTPS port's TLS front, which relays every connection that is not MQTT over
 * WebSockets to this server's plain HTTP on loopback): IoT Hub's REST API for identities, twins, deployments and direct methods, signed with
 * the {@code iothubowner} policy (an edge device may manage its own modules with its own key), plus the emulator's
 * endpoints for tests and tools under {@code /emulator/} and the blob endpoint IoT Edge uploads logs to. Errors are
 * IoT Hub's: the status, an {@code iothub-errorcode} header and {@code {"Message":"ErrorCode:…;…"}}, which the SDKs
 * turn into their typed errors.
 */
public final class ServiceServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ServiceServer.class.getName());
    private static final String ID = "([^/]+)";
    /** Bodies larger than this are refused before they are read (a deployment or twin is far smaller). */
    private static final int MAX_BODY = 8 * 1024 * 1024;

    private interface Handler {
        Response handle(Request request, Principal principal) throws Exception;
    }

    /** The paths an edge device calls in its own scope, which name it first. */
    private static final Pattern DEVICE_SCOPE = Pattern.compile("/devices/([^/]+)");

    private record Route(String method, Pattern path, boolean ownerOnly, Handler handler) {
    }

    private record Mount(Pattern path, Endpoint endpoint) {
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final Authenticator authenticator;
    private final Registry registry;
    private final Connections connections;
    private final MethodCalls methods;
    private final Telemetry telemetry;
    private final ObjectMapper json;
    private final IdentityJson identities;
    private final Blobs blobs;
    private final RelayedClients clients;
    private final List<Route> routes = new ArrayList<>();
    private final List<Mount> mounts = new CopyOnWriteArrayList<>();

    /** The HTTPS port clients see, for the URLs this server hands out. */
    private volatile int publicPort;

    private ServiceServer(HttpServer server, ExecutorService executor, Authenticator authenticator, Registry registry,
                          Connections connections, MethodCalls methods, Telemetry telemetry, ObjectMapper json,
                          Clock clock, RelayedClients clients) {
        this.server = server;
        this.executor = executor;
        this.authenticator = authenticator;
        this.registry = registry;
        this.connections = connections;
        this.methods = methods;
        this.telemetry = telemetry;
        this.json = json;
        this.identities = new IdentityJson(json);
        this.blobs = new Blobs(registry.ownerKey(), clock);
        this.clients = clients;
        routes();
    }

    /** Listens on an ephemeral loopback port; the TLS front relays to {@link #address()}. */
    public static ServiceServer start(Authenticator authenticator, Registry registry, Connections connections,
                                      MethodCalls methods, Telemetry telemetry, ObjectMapper json, Clock clock,
                                      RelayedClients clients) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        // method calls wait for the device up to 300 s each: a thread per request, not a small pool
        ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "iothub-service");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        ServiceServer service = new ServiceServer(server, executor, authenticator, registry, connections, methods,
                telemetry, json, clock, clients);
        server.createContext("/", service::serve);
        server.start();
        return service;
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    /**
     * Serves the paths {@code path} matches with {@code endpoint}, before IoT Hub's own routes: another service on the
     * HTTPS port (DPS), which authorizes its callers and writes its errors itself.
     */
    public void mount(Pattern path, Endpoint endpoint) {
        mounts.add(new Mount(path, endpoint));
    }

    public void publicPort(int port) {
        publicPort = port;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void routes() {
        // identities
        route("GET", "/devices/?", true, (r, p) -> listDevices());
        route("PUT", "/devices/" + ID, true, (r, p) -> putDevice(r));
        route("GET", "/devices/" + ID, true, (r, p) -> device(r.part(1)));
        route("DELETE", "/devices/" + ID, true, (r, p) -> {
            registry.deleteDevice(r.part(1), ifMatch(r));
            return Response.empty(204);
        });
        route("GET", "/devices/" + ID + "/modules/?", false, (r, p) -> listModules(ownDevice(r.part(1), p)));
        route("PUT", "/devices/" + ID + "/modules/" + ID, false, (r, p) -> putModule(r, ownDevice(r.part(1), p), p));
        route("GET", "/devices/" + ID + "/modules/" + ID, false, (r, p) -> module(ownDevice(r.part(1), p), r.part(2)));
        route("DELETE", "/devices/" + ID + "/modules/" + ID, false, (r, p) -> {
            registry.deleteModule(ownDevice(r.part(1), p), r.part(2), ifMatch(r));
            return Response.empty(204);
        });
        route("POST", "/devices/" + ID + "/applyConfigurationContent", true, (r, p) -> {
            JsonNode content = body(r).path("modulesContent");
            if (!content.isObject()) {
                throw HubException.badRequest("The body has no 'modulesContent' object.");
            }
            registry.applyConfigurationContent(r.part(1), (ObjectNode) content);
            return Response.empty(204);
        });
        // twins
        route("GET", "/twins/" + ID, true, (r, p) -> twin(IdentityRef.device(r.part(1))));
        route("GET", "/twins/" + ID + "/modules/" + ID, true, (r, p) -> twin(IdentityRef.module(r.part(1), r.part(2))));
        route("PATCH", "/twins/" + ID, true, (r, p) -> updateTwin(r, IdentityRef.device(r.part(1)), false));
        route("PATCH", "/twins/" + ID + "/modules/" + ID, true, (r, p) -> updateTwin(r, IdentityRef.module(r.part(1), r.part(2)), false));
        route("PUT", "/twins/" + ID, true, (r, p) -> updateTwin(r, IdentityRef.device(r.part(1)), true));
        route("PUT", "/twins/" + ID + "/modules/" + ID, true, (r, p) -> updateTwin(r, IdentityRef.module(r.part(1), r.part(2)), true));
        // direct methods
        route("POST", "/twins/" + ID + "/methods/?", true, (r, p) -> invoke(r, IdentityRef.device(r.part(1))));
        route("POST", "/twins/" + ID + "/modules/" + ID + "/methods/?", true, (r, p) -> invoke(r, IdentityRef.module(r.part(1), r.part(2))));
        // the emulator's own, for tests and tools
        route("GET", "/emulator/messages", true, (r, p) -> received(r));
        route("POST", "/emulator/devices/" + ID + "/messages", true, (r, p) -> sendToDevice(r));
        route("POST", "/emulator/blobs/" + ID, true, (r, p) -> mintBlobSas(r));
        route("GET", "/emulator/blobs/" + ID, true, (r, p) -> Response.json(200, json.writeValueAsBytes(blobs.names(r.part(1)))));
        route("PUT", "/emulator/certificates/" + ID, true, (r, p) -> {
            authenticator.registerCa(r.part(1), new String(r.body(), StandardCharsets.US_ASCII));
            return Response.empty(204);
        });
        route("GET", "/emulator/certificates", true, (r, p) -> Response.json(200,
                json.writeValueAsBytes(registry.caCertificates().keySet())));
    }

    private void route(String method, String path, boolean ownerOnly, Handler handler) {
        routes.add(new Route(method, Pattern.compile(path), ownerOnly, handler));
    }

    private void serve(HttpExchange exchange) {
        try (exchange) {
            Response response;
            try {
                response = dispatch(exchange);
            } catch (HubException e) {
                response = error(e);
            } catch (JsonProcessingException e) {
                response = error(HubException.badRequest("The body is not valid JSON: " + e.getOriginalMessage()));
            } catch (Exception e) {
                LOG.log(Level.WARNING, exchange.getRequestMethod() + " " + exchange.getRequestURI() + " failed", e);
                response = error(new HubException(500, "ServerError", "The emulator failed: " + e));
            }
            write(exchange, response);
        } catch (IOException e) {
            LOG.log(Level.FINE, "could not answer " + exchange.getRequestURI(), e);
        }
    }

    private Response dispatch(HttpExchange exchange) throws Exception {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        if (path.startsWith("/blobs/")) {
            return blob(exchange, path);
        }
        for (Mount mount : mounts) {
            Matcher matcher = mount.path().matcher(path);
            if (matcher.matches()) {
                return mount.endpoint().handle(request(exchange, matcher));
            }
        }
        boolean pathKnown = false;
        for (Route route : routes) {
            Matcher matcher = route.path().matcher(path);
            if (!matcher.matches()) {
                continue;
            }
            pathKnown = true;
            if (!route.method().equals(method)) {
                continue;
            }
            Principal principal = principal(exchange, path);
            if (route.ownerOnly() && !(principal instanceof Principal.Owner)) {
                throw HubException.unauthorized("Only the service policy may call " + method + " " + path + ".");
            }
            return route.handler().handle(request(exchange, matcher), principal);
        }
        if (pathKnown) {
            return error(new HubException(405, "MethodNotAllowed", method + " is not allowed on " + path + "."));
        }
        return error(new HubException(404, "NotFound", "No such resource: " + path));
    }

    /**
     * Who calls: the {@code Authorization} header's signer (the service policy, or an edge device with its key); or,
     * without one, an X.509 edge device the TLS front saw present its certificate, calling in its own scope.
     */
    private Principal principal(HttpExchange exchange, String path) {
        Optional<String> authorization = Optional.ofNullable(exchange.getRequestHeaders().getFirst("Authorization"));
        List<X509Certificate> chain = clients.of(exchange.getRemoteAddress().getPort());
        Matcher device = DEVICE_SCOPE.matcher(path);
        if (authorization.isEmpty() && !chain.isEmpty() && device.lookingAt()) {
            return authenticator.authorizeEdgeCertificate(URLDecoder.decode(device.group(1), StandardCharsets.UTF_8), chain);
        }
        return authenticator.authorizeService(authorization);
    }

    // ---- identities

    private Response listDevices() throws IOException {
        ArrayNode list = json.createArrayNode();
        registry.devices().forEach(d -> list.add(identities.device(d, connections.isConnected(IdentityRef.device(d.deviceId())))));
        return Response.json(200, json.writeValueAsBytes(list));
    }

    private Response putDevice(Request request) throws IOException {
        DeviceIdentity device = registry.putDevice(identities.deviceSpec(request.part(1), body(request)), ifMatch(request));
        return device(device.deviceId());
    }

    private Response device(String deviceId) throws IOException {
        DeviceIdentity device = registry.device(deviceId);
        return Response.json(200, json.writeValueAsBytes(identities.device(device,
                connections.isConnected(IdentityRef.device(deviceId)))), Registry.etag(device.etagVersion()));
    }

    private Response listModules(String deviceId) throws IOException {
        ArrayNode list = json.createArrayNode();
        registry.modules(deviceId).forEach(m -> list.add(identities.module(m, connections.isConnected(m.ref()))));
        return Response.json(200, json.writeValueAsBytes(list));
    }

    private Response putModule(Request request, String deviceId, Principal principal) throws IOException {
        JsonNode body = body(request);
        String moduleId = body.path("moduleId").asText(request.part(2));
        if (!moduleId.equals(request.part(2))) {
            throw HubException.badRequest("The moduleId in the body is not the one in the URI.");
        }
        Optional<String> managedBy = body.hasNonNull("managedBy") ? Optional.of(body.get("managedBy").asText())
                : principal instanceof Principal.EdgeDevice ? Optional.of("IotEdge") : Optional.empty();
        registry.putModule(deviceId, moduleId, identities.credentials(body.path("authentication")), managedBy,
                ifMatch(request));
        return module(deviceId, moduleId);
    }

    private Response module(String deviceId, String moduleId) throws IOException {
        ModuleIdentity module = registry.module(deviceId, moduleId);
        return Response.json(200, json.writeValueAsBytes(identities.module(module, connections.isConnected(module.ref()))),
                Registry.etag(module.etagVersion()));
    }

    /** The device a request names, which an edge device may only name when it is itself. */
    private static String ownDevice(String deviceId, Principal principal) {
        if (principal instanceof Principal.EdgeDevice edge && !edge.deviceId().equals(deviceId)) {
            throw HubException.unauthorized("Device '" + edge.deviceId() + "' may manage its own modules only.");
        }
        return deviceId;
    }

    // ---- twins

    private Response twin(IdentityRef ref) throws IOException {
        DeviceIdentity device = registry.device(ref.deviceId());
        TwinState twin = registry.twin(ref);
        AuthType type = registry.access(ref).map(Access::credentials).map(c -> c.type()).orElse(AuthType.SAS);
        return Response.json(200, json.writeValueAsBytes(identities.twin(ref, device, twin, connections.isConnected(ref),
                type)), twin.etag());
    }

    private Response updateTwin(Request request, IdentityRef ref, boolean replace) throws IOException {
        JsonNode body = body(request);
        if (!body.isObject()) {
            throw HubException.badRequest("A twin patch is a JSON object.");
        }
        if (body.path("properties").has("reported")) {
            throw HubException.badRequest("Reported properties are the device's: a service may not change them.");
        }
        Optional<ObjectNode> tags = objectAt(body, "tags");
        Optional<ObjectNode> desired = objectAt(body.path("properties"), "desired");
        if (replace) {
            // PUT replaces tags and desired whole: members it leaves out are removed
            TwinState current = registry.twin(ref);
            tags = Optional.of(replacement(current.tags(), tags.orElse(json.createObjectNode())));
            desired = Optional.of(replacement(current.desired(), desired.orElse(json.createObjectNode())));
        }
        registry.patchTwin(ref, tags, desired, ifMatch(request));
        return twin(ref);
    }

    /** A merge patch that turns {@code current} into {@code target}. */
    private ObjectNode replacement(ObjectNode current, ObjectNode target) {
        ObjectNode patch = target.deepCopy();
        current.fieldNames().forEachRemaining(name -> {
            if (!target.has(name)) {
                patch.putNull(name);
            }
        });
        return patch;
    }

    private static Optional<ObjectNode> objectAt(JsonNode node, String field) {
        JsonNode value = node.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isObject()) {
            throw HubException.badRequest("'" + field + "' must be a JSON object.");
        }
        return Optional.of((ObjectNode) value);
    }

    // ---- methods

    private Response invoke(Request request, IdentityRef target) throws Exception {
        JsonNode body = body(request);
        registry.access(target).orElseThrow(() -> target.isModule()
                ? HubException.moduleNotFound(target.deviceId(), target.moduleId().get())
                : HubException.deviceNotFound(target.deviceId()));
        long timeout = body.path("responseTimeoutInSeconds").asLong(30);
        byte[] payload = json.writeValueAsBytes(body.has("payload") ? body.get("payload") : json.nullNode());
        MethodResult result = methods.invoke(target, body.path("methodName").asText(""), payload, Duration.ofSeconds(timeout));
        ObjectNode answer = json.createObjectNode();
        answer.put("status", result.status());
        answer.set("payload", payloadJson(result.payload()));
        return Response.json(200, json.writeValueAsBytes(answer));
    }

    /** The device's answer as JSON; one that is not JSON is passed on as a string. */
    private JsonNode payloadJson(byte[] payload) {
        if (payload.length == 0) {
            return json.nullNode();
        }
        try {
            return json.readTree(payload);
        } catch (IOException e) {
            return json.getNodeFactory().textNode(new String(payload, StandardCharsets.UTF_8));
        }
    }

    // ---- the emulator's own

    private Response received(Request request) throws IOException {
        ArrayNode list = json.createArrayNode();
        long since;
        try {
            since = request.query("since").map(Long::parseLong).orElse(0L);
        } catch (NumberFormatException e) {
            throw HubException.badRequest("since is a sequence number.");
        }
        for (ReceivedMessage message : telemetry.received(request.query("deviceId"), request.query("moduleId"))) {
            if (message.sequenceNumber() <= since) {
                continue;
            }
            ObjectNode node = list.addObject();
            node.put("sequenceNumber", message.sequenceNumber());
            node.put("deviceId", message.from().deviceId());
            node.put("moduleId", message.from().moduleId().orElse(null));
            node.put("body", new String(message.body(), StandardCharsets.UTF_8));
            node.put("bodyBase64", Base64.getEncoder().encodeToString(message.body()));
            node.set("properties", json.valueToTree(message.properties()));
            node.set("systemProperties", json.valueToTree(message.systemProperties()));
            node.put("enqueuedTime", message.enqueuedTime().toString());
        }
        return Response.json(200, json.writeValueAsBytes(list));
    }

    /**
     * A cloud-to-device message: the body as sent; application properties from {@code iothub-app-{name}} headers (as
     * IoT Hub's HTTPS device API writes them), message and correlation ids from {@code iothub-messageid} and
     * {@code iothub-correlationid}.
     */
    private Response sendToDevice(Request request) {
        String deviceId = request.part(1);
        Map<String, String> system = new LinkedHashMap<>();
        system.put("mid", request.header("iothub-messageid").orElse(UUID.randomUUID().toString()));
        request.header("iothub-correlationid").ifPresent(cid -> system.put("cid", cid));
        request.header("iothub-contenttype").ifPresent(ct -> system.put("ct", ct));
        request.header("iothub-contentencoding").ifPresent(ce -> system.put("ce", ce));
        system.put("to", "/devices/" + deviceId + "/messages/deviceBound");
        connections.sendToDevice(deviceId, new CloudMessage(request.body(), request.headersStartingWith("iothub-app-"), system));
        return Response.empty(204);
    }

    private Response mintBlobSas(Request request) throws IOException {
        String container = request.part(1);
        long hours = request.query("hours").map(Long::parseLong).orElse(24L);
        String sasUrl = "https://" + authenticator.hostName() + ":" + publicPort + "/blobs/" + container + "?"
                + blobs.containerSas(container, Duration.ofHours(hours));
        return Response.json(200, json.writeValueAsBytes(Map.of("sasUrl", sasUrl)));
    }

    private Response blob(HttpExchange exchange, String path) throws IOException {
        Matcher matcher = Pattern.compile("/blobs/([^/]+)/(.+)").matcher(path);
        if (!matcher.matches()) {
            return error(new HubException(404, "NotFound", "A blob is /blobs/{container}/{name}."));
        }
        Request request = request(exchange, matcher);
        if (!blobs.authorized(matcher.group(1), request.queryMap())) {
            return Response.storageError(403, "AuthenticationFailed", "the signature is not valid for this container or has expired");
        }
        return switch (exchange.getRequestMethod()) {
            case "PUT" -> {
                // Put Blob without a blob type is refused by Azure Storage: an uploader that forgets it fails here too
                if (request.header("x-ms-blob-type").isEmpty()) {
                    yield Response.storageError(400, "MissingRequiredHeader", "x-ms-blob-type");
                }
                blobs.put(matcher.group(1), matcher.group(2), request.body());
                yield Response.empty(201);
            }
            case "GET" -> blobs.get(matcher.group(1), matcher.group(2))
                    .map(bytes -> new Response(200, Map.of(), bytes, "application/octet-stream"))
                    .orElse(Response.text(404, "BlobNotFound"));
            default -> Response.text(405, "PUT or GET");
        };
    }

    // ---- plumbing

    private JsonNode body(Request request) throws IOException {
        byte[] body = request.body();
        if (body.length == 0) {
            return json.createObjectNode();
        }
        return json.readTree(body);
    }

    private static Optional<String> ifMatch(Request request) {
        return request.header("If-Match").filter(v -> !v.isBlank());
    }

    private Request request(HttpExchange exchange, Matcher path) throws IOException {
        return new Request(exchange, path, readBody(exchange), clients.of(exchange.getRemoteAddress().getPort()));
    }

    private static byte[] readBody(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_BODY + 1);
            if (body.length > MAX_BODY) {
                throw new HubException(413, "RequestEntityTooLarge", "The body is larger than " + MAX_BODY + " bytes.");
            }
            return body;
        }
    }

    private Response error(HubException e) {
        ObjectNode body = json.createObjectNode();
        body.put("Message", "ErrorCode:" + e.errorCode() + ";" + e.getMessage());
        body.put("ExceptionMessage", "Tracking ID:" + UUID.randomUUID().toString().replace("-", "")
                + "-TimeStamp:" + Instant.now());
        try {
            return new Response(e.status(), Map.of("iothub-errorcode", e.errorCode()), json.writeValueAsBytes(body),
                    Response.JSON);
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private static void write(HttpExchange exchange, Response response) throws IOException {
        response.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        if (!response.contentType().isEmpty()) {
            exchange.getResponseHeaders().set("Content-Type", response.contentType());
        }
        byte[] body = response.body();
        boolean noBody = body.length == 0 || response.status() == 204 || exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(response.status(), noBody ? -1 : body.length);
        if (!noBody) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
