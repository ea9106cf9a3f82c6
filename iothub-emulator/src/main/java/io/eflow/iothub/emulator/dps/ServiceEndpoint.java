package io.eflow.iothub.emulator.dps;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eflow.iothub.emulator.registry.Registry;
import io.eflow.iothub.emulator.service.Endpoint;
import io.eflow.iothub.emulator.service.Request;
import io.eflow.iothub.emulator.service.Response;

import java.io.IOException;
import java.time.Clock;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * DPS's service API for enrollments: {@code PUT}, {@code GET} and {@code DELETE} of {@code /enrollments/{id}} and
 * {@code /enrollmentGroups/{id}}, signed with the {@code provisioningserviceowner} policy.
 */
final class ServiceEndpoint implements Endpoint {
    static final Pattern PATH = Pattern.compile("/(?i)(enrollments|enrollmentGroups)/([^/]+)");

    private final Enrollments enrollments;
    private final ServicePolicy policy;
    private final EnrollmentJson format;
    private final RegistrationJson answers;
    private final ObjectMapper json;
    private final Clock clock;

    ServiceEndpoint(Enrollments enrollments, ServicePolicy policy, RegistrationJson answers, ObjectMapper json, Clock clock) {
        this.enrollments = enrollments;
        this.policy = policy;
        this.format = new EnrollmentJson(json);
        this.answers = answers;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public Response handle(Request request) throws IOException {
        try {
            policy.authorize(request.header("Authorization"));
            Enrollment.Kind kind = request.part(1).equalsIgnoreCase("enrollments") ? Enrollment.Kind.INDIVIDUAL
                    : Enrollment.Kind.GROUP;
            String id = request.part(2);
            Optional<String> ifMatch = request.header("If-Match").filter(v -> !v.isBlank());
            return switch (request.method()) {
                case "PUT" -> {
                    Enrollment given;
                    try {
                        given = format.read(kind, id, json.readTree(request.body()), clock.instant());
                    } catch (IOException e) {
                        throw DpsException.badRequest("The body is not valid JSON: " + e.getMessage());
                    }
                    yield written(enrollments.put(given, ifMatch));
                }
                case "GET" -> written(enrollments.get(kind, id).orElseThrow(() -> DpsException.notFound(
                        "There is no " + Enrollments.describe(kind) + " '" + id + "'.")));
                case "DELETE" -> {
                    enrollments.delete(kind, id, ifMatch);
                    yield Response.empty(204);
                }
                default -> throw new DpsException(405, 405000, request.method() + " is not allowed here.");
            };
        } catch (DpsException e) {
            return Response.json(e.status(), answers.error(e));
        }
    }

    private Response written(Enrollment enrollment) throws JsonProcessingException {
        return Response.json(200, json.writeValueAsBytes(format.write(enrollment, false)),
                Registry.etag(enrollment.etagVersion()));
    }
}
