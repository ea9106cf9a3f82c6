package io.eflow.edge.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eflow.contract.json.Mappers;
import io.eflow.edge.hub.auth.ClientId;
import io.eflow.edge.hub.auth.EdgeCa;
import io.eflow.edge.hub.auth.Identities;
import io.eflow.edge.hub.auth.Identity;
import io.eflow.edge.hub.auth.IssuedCertificate;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * IoT Edge's workload API, as one module sees it on its own socket: the module never holds its key, it asks here for
 * signatures (its SAS tokens), the trust bundle and certificates. Every call that names a module must name the
 * socket's own module and that identity's current generation: a module cannot act for another, and what a module of
 * an identity made again still runs with is refused.
 *
 * <p>Transport-free: {@link WorkloadSockets} hands each HTTP request in and writes the {@link Response} back.
 */
public final class WorkloadApi {
    /** The versions IoT Edge's workload API has had; the SDKs send 2018-06-28 and IoT Edge sets 2019-01-30. */
    static final Set<String> VERSIONS = Set.of("2018-06-28", "2019-01-30", "2019-10-22", "2019-11-05", "2020-07-07",
            "2020-10-10", "2021-12-07", "2022-08-03");
    private static final ObjectMapper JSON = Mappers.standard();

    private final Identities identities;
    private final EdgeCa ca;
    private final Supplier<String> iotHubHostName;
    private final Clock clock;

    /** An HTTP answer: its status and JSON body. */
    public record Response(int status, JsonNode body) {
        static Response error(int status, String message) {
            return new Response(status, JSON.createObjectNode().put("message", message));
        }
    }

    /** @param iotHubHostName the hub named in identity certificates; it changes when the device is provisioned */
    public WorkloadApi(Identities identities, EdgeCa ca, Supplier<String> iotHubHostName, Clock clock) {
        this.identities = identities;
        this.ca = ca;
        this.iotHubHostName = iotHubHostName;
        this.clock = clock;
    }

    /**
     * Answers one request that came in on {@code module}'s socket.
     *
     * @param target the request target as sent: percent-encoded path, then the query
     */
    public Response handle(String module, String method, String target, byte[] body) {
        Target parsed;
        try {
            parsed = Target.parse(target);
        } catch (IllegalArgumentException e) {
            return Response.error(400, e.getMessage());
        }
        Optional<String> version = parsed.query("api-version");
        if (version.isEmpty()) {
            return Response.error(400, "the request has no api-version; this API takes " + String.join(", ", sorted()));
        }
        if (!VERSIONS.contains(version.get())) {
            return Response.error(400, "api-version " + version.get() + " is not one of " + String.join(", ", sorted()));
        }
        List<String> path = parsed.segments();
        if (path.equals(List.of("trust-bundle"))) {
            return method.equals("GET") ? trustBundle() : notAllowed(method, "GET");
        }
        Optional<Call> call = Call.of(path);
        if (call.isEmpty()) {
            return Response.error(404, "no such resource: " + parsed.path());
        }
        if (!method.equals("POST")) {
            return notAllowed(method, "POST");
        }
        Call asked = call.get();
        if (!asked.module().equals(module)) {
            return Response.error(403, "module '" + module + "' may act only for itself, not for '" + asked.module() + "'");
        }
        ClientId id = ClientId.module(identities.deviceId(), module);
        Optional<Identity> identity = identities.find(id);
        if (identity.isEmpty()) {
            return Response.error(404, "module '" + module + "' has no identity on this device");
        }
        String generation = identity.get().generationId();
        if (asked.generation().isPresent() && !asked.generation().get().equals(generation)) {
            return Response.error(403, "generation " + asked.generation().get() + " is not the current generation of module '"
                    + module + "' (a module whose identity was made again restarts with the new one in IOTEDGE_MODULEGENERATIONID)");
        }
        JsonNode request;
        try {
            request = body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (IOException e) {
            return Response.error(400, "the request body is not JSON");
        }
        if (!request.isObject()) {
            return Response.error(400, "the request body is not a JSON object");
        }
        try {
            return switch (asked.operation()) {
                case "sign" -> sign(identity.get(), request);
                case "server" -> server(module, request);
                default -> identityCertificate(id, request);
            };
        } catch (IllegalArgumentException e) {
            return Response.error(400, e.getMessage());
        }
    }

    private Response trustBundle() {
        return new Response(200, JSON.createObjectNode().put("certificate", ca.caCertificatePem()));
    }

    private static Response sign(Identity identity, JsonNode request) {
        String keyId = text(request, "keyId").orElse("primary");
        if (!keyId.equals("primary")) {
            throw new IllegalArgumentException("keyId '" + keyId + "' is not a key of the module: it has 'primary'");
        }
        String algorithm = text(request, "algo").orElse("HMACSHA256");
        if (!algorithm.equals("HMACSHA256")) {
            throw new IllegalArgumentException("algo '" + algorithm + "' is not supported: HMACSHA256 is");
        }
        byte[] data;
        try {
            data = Base64.getDecoder().decode(text(request, "data")
                    .orElseThrow(() -> new IllegalArgumentException("the request has no data (base64) to sign")));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().startsWith("the request") ? e.getMessage()
                    : "data is not base64");
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(identity.key()), "HmacSHA256"));
            String digest = Base64.getEncoder().encodeToString(mac.doFinal(data));
            return new Response(200, JSON.createObjectNode().put("digest", digest));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    private Response server(String module, JsonNode request) {
        String commonName = text(request, "commonName")
                .orElseThrow(() -> new IllegalArgumentException("the request has no commonName"));
        return issued(ca.moduleServerCertificate(module, commonName, expiration(request)));
    }

    private Response identityCertificate(ClientId id, JsonNode request) {
        return issued(ca.moduleIdentityCertificate(id, iotHubHostName.get(), expiration(request)));
    }

    private Optional<Instant> expiration(JsonNode request) {
        Optional<String> text = text(request, "expiration");
        if (text.isEmpty()) {
            return Optional.empty();
        }
        Instant at;
        try {
            at = OffsetDateTime.parse(text.get()).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("expiration '" + text.get() + "' is not an ISO 8601 date-time with offset");
        }
        if (!at.isAfter(clock.instant())) {
            throw new IllegalArgumentException("expiration " + text.get() + " is not in the future");
        }
        return Optional.of(at);
    }

    private static Response issued(IssuedCertificate issued) {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("privateKey").put("type", "key").put("bytes", issued.privateKeyPem());
        body.put("certificate", issued.chainPem());
        body.put("expiration", issued.leaf().getNotAfter().toInstant().toString());
        return new Response(201, body);
    }

    private static Optional<String> text(JsonNode request, String field) {
        JsonNode value = request.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException(field + " is not a string");
        }
        return Optional.of(value.asText());
    }

    private static Response notAllowed(String method, String allowed) {
        return Response.error(405, method + " is not allowed here: " + allowed + " is");
    }

    private static List<String> sorted() {
        return VERSIONS.stream().sorted().toList();
    }

    /**
     * A call on a module: {@code /modules/{m}/genid/{g}/sign}, {@code …/certificate/server},
     * {@code …/certificate/identity}, and {@code /modules/{m}/certificate/identity}, which names no generation.
     */
    private record Call(String module, Optional<String> generation, String operation) {
        static Optional<Call> of(List<String> path) {
            if (path.size() < 3 || !path.get(0).equals("modules") || path.get(1).isEmpty()) {
                return Optional.empty();
            }
            String module = path.get(1);
            if (path.size() == 4 && path.subList(2, 4).equals(List.of("certificate", "identity"))) {
                return Optional.of(new Call(module, Optional.empty(), "identity"));
            }
            if (path.size() < 5 || !path.get(2).equals("genid") || path.get(3).isEmpty()) {
                return Optional.empty();
            }
            Optional<String> generation = Optional.of(path.get(3));
            List<String> rest = path.subList(4, path.size());
            if (rest.equals(List.of("sign"))) {
                return Optional.of(new Call(module, generation, "sign"));
            }
            if (rest.size() == 2 && rest.get(0).equals("certificate") && Set.of("server", "identity").contains(rest.get(1))) {
                return Optional.of(new Call(module, generation, rest.get(1)));
            }
            return Optional.empty();
        }
    }
}
