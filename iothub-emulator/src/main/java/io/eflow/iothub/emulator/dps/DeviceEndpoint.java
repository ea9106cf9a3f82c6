package io.eflow.iothub.emulator.dps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eflow.iothub.emulator.service.Endpoint;
import io.eflow.iothub.emulator.service.Request;
import io.eflow.iothub.emulator.service.Response;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * DPS's device API over HTTPS: {@code PUT /{idScope}/registrations/{id}/register} and
 * {@code GET /{idScope}/registrations/{id}/operations/{operationId}}, each proved by its {@code Authorization} SAS
 * token or, without one, the client certificate the HTTPS port's TLS front saw.
 */
final class DeviceEndpoint implements Endpoint {
    static final Pattern PATH = Pattern.compile("/([^/]+)/registrations/([^/]+)/(register|operations/([^/]+))");

    private final Registrations registrations;
    private final RegistrationJson answers;
    private final ObjectMapper json;

    DeviceEndpoint(Registrations registrations, RegistrationJson answers, ObjectMapper json) {
        this.registrations = registrations;
        this.answers = answers;
        this.json = json;
    }

    @Override
    public Response handle(Request request) throws IOException {
        try {
            Proof proof = request.header("Authorization").<Proof>map(Proof.Token::new)
                    .orElseGet(() -> new Proof.Certificates(request.clientCertificates()));
            boolean register = request.part(3).equals("register");
            if (!request.method().equals(register ? "PUT" : "GET")) {
                throw new DpsException(405, 405000, request.method() + " is not allowed here.");
            }
            JsonNode body = register ? answers.body(request.body()) : json.createObjectNode();
            JsonNode tpm = body.path("tpm");
            if (register && request.header("Authorization").isEmpty() && tpm.isObject()) {
                // DPS's TPM flow (HTTPS only: neither SDK does TPM over MQTT) begins with a request with no proof
                return Response.json(401, answers.challenge(registrations.challenge(request.part(1), request.part(2),
                        tpm.path("endorsementKey").asText(""), tpm.path("storageRootKey").asText(""))));
            }
            Registrations.Attested attested = registrations.attest(request.part(1), request.part(2), proof);
            if (register) {
                Operation operation = registrations.register(attested, Optional.ofNullable(body.get("payload")));
                return new Response(202, Map.of("Retry-After", Integer.toString(RegistrationJson.RETRY_AFTER_SECONDS)),
                        answers.assigning(operation), Response.JSON);
            }
            return Response.json(200, answers.assigned(registrations.operation(attested, request.part(4))));
        } catch (DpsException e) {
            return Response.json(e.status(), answers.error(e));
        }
    }
}
