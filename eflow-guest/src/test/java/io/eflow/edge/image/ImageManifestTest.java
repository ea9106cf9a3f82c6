package io.eflow.edge.image;

import org.junit.jupiter.api.Test;

import static io.eflow.edge.image.TestImages.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageManifestTest {
    private static final String SHA = "sha256:" + "a".repeat(64);

    @Test
    void anIndexWithoutMediaTypeIsKnownByItsContentType() {
        ImageManifest index = ImageManifest.parse(utf8("{\"schemaVersion\":2,\"manifests\":[{\"digest\":\"" + SHA
                + "\",\"size\":1,\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":\"v8\"}}]}"),
                ImageManifest.OCI_INDEX);
        assertThat(index.isIndex()).isTrue();
        assertThat(index.manifests().get(0).platform()).contains(new Platform("linux", "arm64"));
    }

    @Test
    void aSha512DigestOrASchema1ManifestIsRefusedClearly() {
        assertThatThrownBy(() -> ImageManifest.parse(utf8("{\"config\":{\"digest\":\"sha512:00\",\"size\":1}}"), null))
                .isInstanceOf(ImageException.class).hasMessageContaining("is not a sha256 digest");
        assertThatThrownBy(() -> ImageManifest.parse(utf8("{\"schemaVersion\":1,\"fsLayers\":[]}"),
                "application/vnd.docker.distribution.manifest.v1+prettyjws"))
                .isInstanceOf(ImageException.class).hasMessageContaining("only OCI and Docker v2 schema 2");
    }
}
