package io.eflow.contract.manifest;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The quickstart deployment (a resource beside these tests) and variations of it, one field changed at a time. */
final class Manifests {
    static final ObjectMapper JSON = new ObjectMapper();
    /** JSON pointers, which take "properties.desired" as one key. */
    static final String AGENT = "/modulesContent/$edgeAgent/properties.desired";
    static final String HUB = "/modulesContent/$edgeHub/properties.desired";
    static final String FILTER = AGENT + "/modules/filtermodule";
    /** The same places as the JSON paths that errors and warnings name. */
    static final String AGENT_PATH = "modulesContent.$edgeAgent.properties.desired";
    static final String HUB_PATH = "modulesContent.$edgeHub.properties.desired";
    static final String FILTER_PATH = AGENT_PATH + ".modules.filtermodule";

    private Manifests() {
    }

    static String quickstart() {
        try (InputStream in = Manifests.class.getResourceAsStream("quickstart.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The quickstart with the field at {@code pointer} set (added when absent); a String value becomes a JSON string. */
    static String with(String pointer, Object value) {
        JsonNode root = json(quickstart());
        JsonPointer at = JsonPointer.compile(pointer);
        ((ObjectNode) root.at(at.head())).set(at.last().getMatchingProperty(), JSON.valueToTree(value));
        return root.toString();
    }

    static String without(String pointer) {
        JsonNode root = json(quickstart());
        JsonPointer at = JsonPointer.compile(pointer);
        ((ObjectNode) root.at(at.head())).remove(at.last().getMatchingProperty());
        return root.toString();
    }

    /** The quickstart's filtermodule with these createOptions (a JSON object given as text). */
    static CreateOptions filterWith(String createOptions) {
        return DeploymentManifest.parse(with(FILTER + "/settings/createOptions", json(createOptions)))
                .manifest().agent().modules().get("filtermodule").createOptions();
    }

    /** Asserts that the manifest is refused for the field at {@code path}, and returns the problem for more checks. */
    static String rejected(String manifest, String path) {
        ManifestException e = catchThrowableOfType(ManifestException.class, () -> DeploymentManifest.parse(manifest));
        assertThat(e).as("refused").isNotNull();
        assertThat(e.path()).isEqualTo(path);
        assertThat(e.getMessage()).isEqualTo(path + ": " + e.problem());
        return e.problem();
    }
}
