package io.eflow.edge.image;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.util.Optional;

/**
 * An OCI content descriptor: what a manifest says about a blob it points to.
 *
 * @param platform only set on the entries of an image index
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Descriptor(String mediaType, String digest, long size, Optional<Platform> platform) {
    public Descriptor {
        platform = platform == null ? Optional.empty() : platform;
        Digests.hex(digest);
    }
}
