package io.eflow.edge.image;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eflow.contract.json.Mappers;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Registry manifests and indexes as any registry (or a man in the middle of a plain-HTTP one) may send them: read, or
 * refused with an {@link ImageException} whose message is one line. What is read is something the puller can follow
 * (an index, or a manifest with a config; every digest one the blob store takes) and reads back the same once written
 * out again. Input: a first byte choosing the Content-Type (one of the four accepted, or none), then the document.
 */
class ImageManifestFuzzTest {
    private static final ObjectMapper JSON = Mappers.standard();

    @FuzzTest(maxDuration = "30s")
    void manifests(byte[] input) throws JsonProcessingException {
        if (input.length == 0) {
            return;
        }
        int choice = (input[0] & 0xFF) % (ImageManifest.ACCEPTED.size() + 1);
        String contentType = choice < ImageManifest.ACCEPTED.size() ? ImageManifest.ACCEPTED.get(choice) : null;
        byte[] document = Arrays.copyOfRange(input, 1, input.length);
        ImageManifest manifest;
        try {
            manifest = ImageManifest.parse(document, contentType);
        } catch (ImageException e) {
            assertThat(e.getMessage()).isNotBlank().doesNotContain("\n");
            return;
        }
        assertThat(manifest.isIndex() || manifest.config().isPresent()).isTrue();
        manifest.config().ifPresent(config -> Digests.hex(config.digest()));
        manifest.layers().forEach(layer -> Digests.hex(layer.digest()));
        manifest.manifests().forEach(entry -> Digests.hex(entry.digest()));
        assertThat(ImageManifest.parse(JSON.writeValueAsBytes(manifest), contentType)).isEqualTo(manifest);
    }
}
