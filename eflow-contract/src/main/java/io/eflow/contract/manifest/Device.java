package io.eflow.contract.manifest;

/**
 * A guest device node given to the container.
 *
 * @param pathInContainer the path on the host when the manifest gives none, as with Docker
 * @param cgroupPermissions some of r (read), w (write) and m (mknod); "rwm" when the manifest gives none
 */
public record Device(String pathOnHost, String pathInContainer, String cgroupPermissions) {
}
