package io.eflow.edge.image;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Pushes images built from {@link Tar} layers into a {@link TestRegistry}, in either schema. */
final class TestImages {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TestImages() {
    }

    /** The descriptor a manifest gives to this content. */
    static Map<String, Object> descriptor(String mediaType, byte[] content) {
        Map<String, Object> descriptor = new LinkedHashMap<>();
        descriptor.put("mediaType", mediaType);
        descriptor.put("digest", Digests.of(content));
        descriptor.put("size", content.length);
        return descriptor;
    }

    /**
     * Pushes config, gzip layers and an image manifest of the given media type (OCI or Docker v2).
     *
     * @param tag the tag to put it under, or null to put it by digest only
     * @return the manifest's digest
     */
    static String push(TestRegistry registry, String repository, String tag, String manifestType, String architecture,
                       byte[]... gzipLayers) throws Exception {
        boolean oci = manifestType.equals(ImageManifest.OCI_MANIFEST);
        byte[] config = JSON.writeValueAsBytes(Map.of("architecture", architecture, "os", "linux",
                "rootfs", Map.of("type", "layers", "diff_ids", List.of())));
        registry.pushBlob(repository, config);
        List<Map<String, Object>> layers = new ArrayList<>();
        for (byte[] layer : gzipLayers) {
            registry.pushBlob(repository, layer);
            layers.add(descriptor(oci ? "application/vnd.oci.image.layer.v1.tar+gzip"
                    : "application/vnd.docker.image.rootfs.diff.tar.gzip", layer));
        }
        byte[] manifest = JSON.writeValueAsBytes(Map.of("schemaVersion", 2, "mediaType", manifestType,
                "config", descriptor(oci ? "application/vnd.oci.image.config.v1+json"
                        : "application/vnd.docker.container.image.v1+json", config),
                "layers", layers));
        return registry.pushManifest(repository, tag != null ? tag : Digests.of(manifest), manifestType, manifest);
    }

    /** Pushes an index over manifests already in the repository: architecture → manifest digest. */
    static String pushIndex(TestRegistry registry, String repository, String tag, String indexType, String manifestType,
                            Map<String, String> manifests) throws Exception {
        List<Map<String, Object>> entries = new ArrayList<>();
        for (Map.Entry<String, String> e : manifests.entrySet()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("mediaType", manifestType);
            entry.put("digest", e.getValue());
            entry.put("size", registry.manifestSize(e.getValue()));
            entry.put("platform", Map.of("os", "linux", "architecture", e.getKey()));
            entries.add(entry);
        }
        byte[] index = JSON.writeValueAsBytes(Map.of("schemaVersion", 2, "mediaType", indexType, "manifests", entries));
        return registry.pushManifest(repository, tag, indexType, index);
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
