package io.eflow.edge.image;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eflow.contract.json.Mappers;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * An image manifest or an image index (manifest list), in the OCI or the Docker v2 schema 2 form; the two forms
 * have the same shape and differ only in media types.
 *
 * @param config    set for an image manifest
 * @param layers    an image manifest's layers, lowest first
 * @param manifests an index's per-platform entries
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ImageManifest(Optional<String> mediaType, Optional<Descriptor> config, List<Descriptor> layers,
                            List<Descriptor> manifests) {
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    static final List<String> ACCEPTED = List.of(OCI_INDEX, DOCKER_LIST, OCI_MANIFEST, DOCKER_MANIFEST);
    private static final Set<String> INDEXES = Set.of(OCI_INDEX, DOCKER_LIST);
    private static final ObjectMapper JSON = Mappers.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    public ImageManifest {
        mediaType = mediaType == null ? Optional.empty() : mediaType;
        config = config == null ? Optional.empty() : config;
        layers = layers == null ? List.of() : List.copyOf(layers);
        manifests = manifests == null ? List.of() : List.copyOf(manifests);
    }

    /**
     * @param contentType the registry's Content-Type, which decides when the document names no mediaType
     *                    (OCI makes the field optional)
     */
    static ImageManifest parse(byte[] json, String contentType) {
        ImageManifest read;
        try {
            read = JSON.readValue(json, ImageManifest.class);
        } catch (IOException e) {
            if (e.getCause() instanceof ImageException refused) {
                throw refused; // a descriptor with a digest the store cannot take
            }
            throw new ImageException("the registry sent a manifest that is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (read.mediaType.isEmpty() && contentType != null) {
            read = new ImageManifest(Optional.of(contentType), read.config, read.layers, read.manifests);
        }
        if (!read.isIndex() && read.config.isEmpty()) {
            throw new ImageException("the manifest (" + read.mediaType.map(ImageException::printable).orElse("no media type")
                    + ") has no config; only OCI and Docker v2 schema 2 images can be pulled");
        }
        return read;
    }

    boolean isIndex() {
        return mediaType.filter(INDEXES::contains).isPresent() || (config.isEmpty() && !manifests.isEmpty());
    }
}
