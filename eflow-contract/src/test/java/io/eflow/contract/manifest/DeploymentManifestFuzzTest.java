package io.eflow.contract.manifest;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.Comparator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The manifest reader on documents from anywhere (an operator's file, IoT Hub's set-modules): it either accepts a
 * manifest, which then reads back the same from the document it keeps, or refuses it with a {@link ManifestException}
 * whose JSON path leads into the document. Seeds: {@code DeploymentManifestFuzzTestInputs/<method>/}.
 */
class DeploymentManifestFuzzTest {
    private static final String CREATE_OPTIONS = Manifests.FILTER + "/settings/createOptions";
    private static final String CREATE_OPTIONS_PATH = Manifests.FILTER_PATH + ".settings.createOptions";
    private static final Comparator<JsonNode> NUMBERS_BY_VALUE = (a, b) -> a.isNumber() && b.isNumber()
            ? a.decimalValue().compareTo(b.decimalValue()) : a.equals(b) ? 0 : 1;

    /** A whole document. */
    @FuzzTest(maxDuration = "30s")
    void manifests(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        ParsedManifest parsed;
        try {
            parsed = DeploymentManifest.parse(text);
        } catch (ManifestException e) {
            refusedAt(e, text, "");
            return;
        }
        readsBack(parsed);
    }

    /** The quickstart with the input as filtermodule's createOptions string: a refusal can only be about it. */
    @FuzzTest(maxDuration = "30s")
    void createOptions(byte[] input) {
        String text = Manifests.with(CREATE_OPTIONS, new String(input, StandardCharsets.UTF_8));
        ParsedManifest parsed;
        try {
            parsed = DeploymentManifest.parse(text);
        } catch (ManifestException e) {
            refusedAt(e, text, CREATE_OPTIONS_PATH);
            return;
        }
        readsBack(parsed);
    }

    private static void refusedAt(ManifestException e, String text, String under) {
        assertThat(e.getMessage()).isEqualTo(e.path() + ": " + e.problem());
        assertThat(e.problem()).isNotBlank();
        assertThat(e.path()).startsWith(under);
        if (!e.path().equals("$")) {
            // "$" is all a document that is not JSON can name; anything else is a place in it
            JsonNode document = Manifests.json(text);
            assertThat(JsonPaths.leadsInto(document, e.path())).as("%s leads into the document", e.path()).isTrue();
        }
    }

    /**
     * What was accepted is accepted again from the document the manifest keeps, and reads the same: equal settings,
     * and equal JSON where a number is compared by its value ({@code 1e0} is written back as {@code 1}, which Jackson
     * then holds as another kind of node).
     */
    private static void readsBack(ParsedManifest parsed) {
        DeploymentManifest first = parsed.manifest();
        DeploymentManifest again = DeploymentManifest.parse(first.json().toString()).manifest();
        assertThat(again.agent()).isEqualTo(first.agent());
        assertThat(again.hub()).isEqualTo(first.hub());
        assertThat(again.json().equals(NUMBERS_BY_VALUE, first.json())).as("the document read back").isTrue();
        assertThat(again.moduleTwins().keySet()).isEqualTo(first.moduleTwins().keySet());
        first.moduleTwins().forEach((module, desired) ->
                assertThat(again.moduleTwins().get(module).equals(NUMBERS_BY_VALUE, desired)).as(module).isTrue());
    }
}
