package io.eflow.iothub.emulator.dps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eflow.contract.files.AtomicFile;
import io.eflow.contract.json.Mappers;
import io.eflow.iothub.emulator.registry.Registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The provisioning service's state: its id scope, its {@code provisioningserviceowner} policy key, and the individual
 * enrollments and enrollment groups, written to {@code dps.json} atomically before a change is answered (as the
 * registry keeps {@code registry.json}), so a device configured with the id scope stays configured across restarts.
 */
public final class Enrollments {
    static final String FILE = "dps.json";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Optional<Path> file;
    private final Clock clock;
    private final ObjectMapper json = Mappers.standard();
    private final EnrollmentJson format = new EnrollmentJson(json);
    private final String idScope;
    private final String serviceKey;
    private final Map<String, Enrollment> individuals = new LinkedHashMap<>();
    private final Map<String, Enrollment> groups = new LinkedHashMap<>();

    private Enrollments(Optional<Path> file, Clock clock, String idScope, String serviceKey) {
        this.file = file;
        this.clock = clock;
        this.idScope = idScope;
        this.serviceKey = serviceKey;
    }

    /** The state kept in {@code folder}; a new id scope and policy key the first time. */
    public static Enrollments open(Path folder, Clock clock) throws IOException {
        Path path = folder.resolve(FILE);
        if (!Files.exists(path)) {
            Files.createDirectories(folder);
            Enrollments enrollments = new Enrollments(Optional.of(path), clock, newIdScope(), Registry.newKey());
            enrollments.save();
            return enrollments;
        }
        JsonNode state = Mappers.standard().readTree(path.toFile());
        Enrollments enrollments = new Enrollments(Optional.of(path), clock, state.path("idScope").asText(),
                state.path("serviceKey").asText());
        for (JsonNode node : state.path("enrollments")) {
            Enrollment e = enrollments.format.read(Enrollment.Kind.INDIVIDUAL, node.path("registrationId").asText(), node,
                    clock.instant());
            enrollments.individuals.put(e.id(), e);
        }
        for (JsonNode node : state.path("enrollmentGroups")) {
            Enrollment e = enrollments.format.read(Enrollment.Kind.GROUP, node.path("enrollmentGroupId").asText(), node,
                    clock.instant());
            enrollments.groups.put(e.id(), e);
        }
        return enrollments;
    }

    /** State in memory only. */
    public static Enrollments inMemory(Clock clock) {
        return new Enrollments(Optional.empty(), clock, newIdScope(), Registry.newKey());
    }

    /** DPS's form: {@code 0ne} and eight hex digits. */
    static String newIdScope() {
        return "0ne" + String.format(Locale.ROOT, "%08X", RANDOM.nextInt());
    }

    public String idScope() {
        return idScope;
    }

    public String serviceKey() {
        return serviceKey;
    }

    /**
     * Creates or replaces the enrollment, as DPS's {@code PUT /enrollments/{id}} and {@code /enrollmentGroups/{id}} do.
     *
     * @param ifMatch the current ETag or {@code *}; without it an existing one is replaced all the same
     * @throws DpsException 412 when the ETag is not its current one
     */
    public synchronized Enrollment put(Enrollment enrollment, Optional<String> ifMatch) {
        Map<String, Enrollment> kind = of(enrollment.kind());
        Enrollment old = kind.get(enrollment.id());
        if (old != null && ifMatch.isPresent()) {
            requireEtag(ifMatch.get(), old);
        }
        Enrollment stored = old == null ? enrollment : enrollment.replacing(old, clock.instant());
        kind.put(stored.id(), stored);
        save();
        return stored;
    }

    public synchronized Optional<Enrollment> get(Enrollment.Kind kind, String id) {
        return Optional.ofNullable(of(kind).get(id));
    }

    /** @throws DpsException 404 when there is none, 412 when the ETag is not its current one */
    public synchronized void delete(Enrollment.Kind kind, String id, Optional<String> ifMatch) {
        Enrollment old = of(kind).get(id);
        if (old == null) {
            throw DpsException.notFound("There is no " + describe(kind) + " '" + id + "'.");
        }
        if (ifMatch.isPresent()) {
            requireEtag(ifMatch.get(), old);
        }
        of(kind).remove(id);
        save();
    }

    public synchronized List<Enrollment> groups() {
        return List.copyOf(groups.values());
    }

    static String describe(Enrollment.Kind kind) {
        return kind == Enrollment.Kind.INDIVIDUAL ? "enrollment" : "enrollment group";
    }

    private Map<String, Enrollment> of(Enrollment.Kind kind) {
        return kind == Enrollment.Kind.INDIVIDUAL ? individuals : groups;
    }

    private static void requireEtag(String ifMatch, Enrollment current) {
        String given = ifMatch.strip().replaceAll("^\"|\"$", "");
        if (!given.equals("*") && !given.equals(Registry.etag(current.etagVersion()))) {
            throw DpsException.preconditionFailed("The etag given for '" + current.id() + "' is not its current one.");
        }
    }

    private void save() {
        if (file.isEmpty()) {
            return;
        }
        ObjectNode state = json.createObjectNode().put("idScope", idScope).put("serviceKey", serviceKey);
        ArrayNode stored = state.putArray("enrollments");
        individuals.values().forEach(e -> stored.add(format.write(e, true)));
        ArrayNode storedGroups = state.putArray("enrollmentGroups");
        groups.values().forEach(e -> storedGroups.add(format.write(e, true)));
        try {
            AtomicFile.write(file.get(), json.writerWithDefaultPrettyPrinter().writeValueAsBytes(state), AtomicFile.OWNER_ONLY);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the provisioning service's state to " + file.get(), e);
        }
    }
}
