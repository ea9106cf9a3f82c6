package io.eflow.iothub.emulator.dps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eflow.iothub.emulator.auth.CaChains;
import io.eflow.iothub.emulator.registry.Registry;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * DPS's JSON for individual enrollments and enrollment groups (service api-version 2021-10-01), both ways. What the
 * service API answers shows a certificate by its {@code info} only, as DPS does; what the emulator stores keeps it.
 */
final class EnrollmentJson {
    private final ObjectMapper json;

    EnrollmentJson(ObjectMapper json) {
        this.json = json;
    }

    /**
     * An enrollment from a PUT body (or the store); keys left out are generated, as DPS does.
     *
     * @throws DpsException 400 for what DPS would not take
     */
    Enrollment read(Enrollment.Kind kind, String id, JsonNode body, Instant now) {
        String idField = kind == Enrollment.Kind.INDIVIDUAL ? "registrationId" : "enrollmentGroupId";
        if (!body.isObject()) {
            throw DpsException.badRequest("An enrollment is a JSON object.");
        }
        if (body.hasNonNull(idField) && !body.get(idField).asText().equals(id)) {
            throw DpsException.badRequest("The " + idField + " in the body is not the one in the URI.");
        }
        if (!id.matches("[A-Za-z0-9\\-._:]{1,128}")) {
            throw DpsException.badRequest("'" + id + "' is not a valid id: up to 128 letters, digits and - . _ :");
        }
        Attestation attestation = attestation(body.path("attestation"));
        if (kind == Enrollment.Kind.GROUP && attestation instanceof Attestation.Tpm) {
            throw DpsException.badRequest("An enrollment group cannot use TPM attestation.");
        }
        JsonNode twin = body.path("initialTwin");
        String status = body.path("provisioningStatus").asText("enabled");
        if (!status.equals("enabled") && !status.equals("disabled")) {
            throw DpsException.badRequest("provisioningStatus is enabled or disabled, not '" + status + "'.");
        }
        // only the store's own form carries these; a client's PUT gets the service's
        boolean stored = body.has("etagVersion");
        long version = body.path("etagVersion").asLong(1);
        Instant created = stored ? Instant.parse(body.path("createdDateTimeUtc").asText()) : now;
        Instant updated = stored ? Instant.parse(body.path("lastUpdatedDateTimeUtc").asText()) : now;
        return new Enrollment(kind, id, attestation, Optional.ofNullable(body.get("deviceId")).filter(JsonNode::isTextual)
                .map(JsonNode::asText).filter(d -> kind == Enrollment.Kind.INDIVIDUAL),
                body.path("capabilities").path("iotEdge").asBoolean(false),
                twin.isObject() ? Optional.of((ObjectNode) twin.deepCopy()) : Optional.empty(),
                status.equals("enabled"), version, created, updated);
    }

    /** @param stored whether for the store (certificates whole, the ETag's version) or for a client */
    ObjectNode write(Enrollment enrollment, boolean stored) {
        ObjectNode node = json.createObjectNode();
        node.put(enrollment.kind() == Enrollment.Kind.INDIVIDUAL ? "registrationId" : "enrollmentGroupId", enrollment.id());
        enrollment.deviceId().ifPresent(d -> node.put("deviceId", d));
        ObjectNode attestation = node.putObject("attestation").put("type", enrollment.attestation().type());
        Attestation given = enrollment.attestation();
        if (given instanceof Attestation.SymmetricKey keys) {
            attestation.putObject("symmetricKey").put("primaryKey", keys.primaryKey()).put("secondaryKey", keys.secondaryKey());
        } else if (given instanceof Attestation.X509 x509) {
            ObjectNode certificates = attestation.putObject("x509").putObject(
                    enrollment.kind() == Enrollment.Kind.INDIVIDUAL ? "clientCertificates" : "signingCertificates");
            List<String> slots = List.of("primary", "secondary");
            for (int i = 0; i < x509.certificates().size() && i < slots.size(); i++) {
                String pem = x509.certificates().get(i);
                ObjectNode slot = certificates.putObject(slots.get(i));
                if (stored) {
                    slot.put("certificate", pem);
                } else {
                    slot.set("info", info(pem));
                }
            }
        } else if (given instanceof Attestation.Tpm tpm) {
            attestation.putObject("tpm").put("endorsementKey", tpm.endorsementKey());
        }
        node.putObject("capabilities").put("iotEdge", enrollment.iotEdge());
        enrollment.initialTwin().ifPresent(t -> node.set("initialTwin", t.deepCopy()));
        node.put("provisioningStatus", enrollment.enabled() ? "enabled" : "disabled");
        node.put("etag", Registry.etag(enrollment.etagVersion()));
        if (stored) {
            node.put("etagVersion", enrollment.etagVersion());
        }
        node.put("createdDateTimeUtc", enrollment.created().toString());
        node.put("lastUpdatedDateTimeUtc", enrollment.updated().toString());
        return node;
    }

    private Attestation attestation(JsonNode node) {
        String type = node.path("type").asText("");
        return switch (type) {
            case "symmetricKey" -> {
                JsonNode keys = node.path("symmetricKey");
                yield new Attestation.SymmetricKey(key(keys.path("primaryKey")), key(keys.path("secondaryKey")));
            }
            case "x509" -> {
                JsonNode x509 = node.path("x509");
                JsonNode certificates = x509.has("signingCertificates") ? x509.path("signingCertificates")
                        : x509.path("clientCertificates");
                List<String> pems = new ArrayList<>();
                for (String slot : List.of("primary", "secondary")) {
                    JsonNode pem = certificates.path(slot).path("certificate");
                    if (pem.isTextual() && !pem.asText().isBlank()) {
                        pems.add(pem(pem.asText()));
                    }
                }
                if (pems.isEmpty()) {
                    throw DpsException.badRequest("An x509 attestation needs a primary certificate (caReferences are"
                            + " not emulated).");
                }
                yield new Attestation.X509(pems);
            }
            case "tpm" -> new Attestation.Tpm(node.path("tpm").path("endorsementKey").asText(""));
            default -> throw DpsException.badRequest("The attestation type '" + type + "' is none of symmetricKey,"
                    + " x509, tpm.");
        };
    }

    private static String key(JsonNode given) {
        return given.isTextual() && !given.asText().isEmpty() ? given.asText() : Registry.newKey();
    }

    /** A certificate as PEM: DPS takes PEM or bare base64 DER. */
    private static String pem(String text) {
        String pem = text.contains("-----BEGIN") ? text
                : "-----BEGIN CERTIFICATE-----\n" + text.strip() + "\n-----END CERTIFICATE-----\n";
        try {
            if (CaChains.parse(List.of(pem)).isEmpty()) {
                throw DpsException.badRequest("The certificate holds nothing.");
            }
        } catch (IllegalStateException e) {
            throw DpsException.badRequest("The certificate cannot be read: " + e.getMessage());
        }
        return pem;
    }

    private ObjectNode info(String pem) {
        X509Certificate certificate = CaChains.parse(List.of(pem)).get(0);
        ObjectNode info = json.createObjectNode();
        info.put("subjectName", certificate.getSubjectX500Principal().getName());
        info.put("issuerName", certificate.getIssuerX500Principal().getName());
        info.put("sha1Thumbprint", CaChains.thumbprint(certificate, "SHA-1"));
        info.put("sha256Thumbprint", CaChains.thumbprint(certificate, "SHA-256"));
        info.put("notBeforeUtc", certificate.getNotBefore().toInstant().toString());
        info.put("notAfterUtc", certificate.getNotAfter().toInstant().toString());
        info.put("serialNumber", certificate.getSerialNumber().toString(16));
        info.put("version", certificate.getVersion());
        return info;
    }
}
