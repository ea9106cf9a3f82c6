package io.eflow.contract.manifest;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eflow.contract.json.Mappers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Reads a whole deployment manifest and $edgeAgent's runtime; modules, createOptions and $edgeHub have their own readers. */
final class ManifestReader {
    private static final ObjectMapper JSON = Mappers.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION) // a field given twice is a mistake, not "last one wins"
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS) // so the document is shown back as written
            .build();
    private static final Pattern SCHEMA_VERSION = Pattern.compile("1\\.[01](?:\\.[0-9]+)?");
    private static final String AGENT = "$edgeAgent";
    private static final String HUB = "$edgeHub";
    private static final String DESIRED = "properties.desired";
    private static final String BOTH = "is required: a deployment has $edgeAgent and $edgeHub";

    private ManifestReader() {
    }

    static ParsedManifest read(String text) {
        List<String> warnings = new ArrayList<>();
        JsonNode json = parseJson(text, "$");
        Fields content = content(Node.root(json, warnings));
        EdgeAgentProperties agent = agent(desired(content.required(AGENT, BOTH)));
        EdgeHubProperties hub = HubReader.read(desired(content.required(HUB, BOTH)));
        Map<String, JsonNode> twins = new LinkedHashMap<>();
        for (String name : content.names()) {
            if (name.startsWith("$")) {
                continue; // another system twin: finish() warns about it
            }
            Node twin = content.required(name);
            JsonNode desired = desired(twin).fields().node().json();
            if (agent.modules().containsKey(name)) {
                twins.put(name, desired);
            } else {
                twin.warn("desired properties of a module this deployment does not run, ignored");
            }
        }
        content.finish();
        return new ParsedManifest(new DeploymentManifest(agent, hub, twins, json), warnings);
    }

    static JsonNode parseJson(String text, String path) {
        try {
            JsonNode json = JSON.readTree(text);
            if (json == null || json.isMissingNode()) {
                throw new ManifestException(path, "is empty, not JSON");
            }
            return json;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
            throw new ManifestException(path, "is not valid JSON: " + e.getOriginalMessage() + where);
        } catch (NumberFormatException e) {
            // Jackson checks a decimal's exponent only when it makes the BigDecimal, outside its own exceptions
            throw new ManifestException(path, "is not valid JSON: a number whose exponent is out of range");
        }
    }

    static String schemaVersion(Fields fields) {
        Node version = fields.required("schemaVersion");
        if (!SCHEMA_VERSION.matcher(version.text()).matches()) {
            throw version.fail("must be 1.0 or 1.1 (or 1.0.x, 1.1.x), the schema versions eflow reads, not '" + version.text() + "'");
        }
        return version.text();
    }

    /** The runtime and every module say "docker": the only type IoT Edge knows, and the image format eflow runs. */
    static void requireDocker(Fields fields) {
        Node type = fields.required("type");
        if (!type.text().equals("docker")) {
            throw type.fail("must be \"docker\", not '" + type.text() + "'");
        }
    }

    /** The object holding $edgeAgent and $edgeHub: the document's modulesContent, or the document itself. */
    private static Fields content(Node root) {
        Fields document = root.fields();
        if (document.has(AGENT) || document.has(HUB)) {
            return document;
        }
        Node content = document.required("modulesContent",
                "is required: a deployment manifest is {\"modulesContent\": {\"$edgeAgent\": …, \"$edgeHub\": …}}");
        document.finish();
        return content.fields();
    }

    private static Node desired(Node twin) {
        Fields fields = twin.fields();
        for (String name : fields.names()) {
            if (name.startsWith(DESIRED + ".")) {
                throw fields.required(name).fail("layered deployments are not supported: give the whole " + DESIRED);
            }
        }
        Node desired = fields.required(DESIRED);
        fields.finish();
        return desired;
    }

    private static EdgeAgentProperties agent(Node desired) {
        Fields fields = desired.fields();
        String schemaVersion = schemaVersion(fields);
        RuntimeSettings runtime = runtime(fields.required("runtime"));
        Fields system = fields.required("systemModules").fields();
        EdgeModule edgeAgent = ModuleReader.edgeAgent(system.required("edgeAgent"));
        EdgeModule edgeHub = ModuleReader.edgeHub(system.required("edgeHub"));
        system.finish();
        Map<String, EdgeModule> modules = fields.optional("modules").map(ModuleReader::modules).orElse(Map.of());
        fields.finish();
        return new EdgeAgentProperties(schemaVersion, runtime, edgeAgent, edgeHub, modules);
    }

    private static RuntimeSettings runtime(Node node) {
        Fields runtime = node.fields();
        requireDocker(runtime);
        Optional<Fields> settings = runtime.optional("settings").map(Node::fields);
        String minDockerVersion = settings.map(s -> s.text("minDockerVersion", "")).orElse("");
        Map<String, RegistryCredential> credentials = settings.flatMap(s -> s.optional("registryCredentials"))
                .map(n -> n.map(ManifestReader::credential)).orElse(Map.of());
        settings.ifPresent(Fields::finish);
        runtime.finish();
        return new RuntimeSettings(minDockerVersion, credentials);
    }

    private static RegistryCredential credential(Node node) {
        Fields fields = node.fields();
        String username = fields.text("username");
        String password = fields.text("password");
        Node address = fields.required("address");
        if (!ImageReference.isRegistry(address.nonBlankText())) {
            throw address.fail("must be a registry host[:port] such as myacr.azurecr.io, without scheme or path, not '"
                    + address.text() + "'");
        }
        fields.finish();
        return new RegistryCredential(address.text(), username, password);
    }
}
