package io.eflow.daemon.api;

/** {@code eflow image load}: a tarball on the host, and the reference to record when the archive names none. */
public record ImageLoad(String file, String reference) {
    public ImageLoad {
        if (file == null || file.isBlank()) {
            throw new IllegalArgumentException("image load needs a file");
        }
    }
}
