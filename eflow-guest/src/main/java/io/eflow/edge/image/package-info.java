/**
 * The guest runtime's images: pulled from any OCI / Docker Registry HTTP API v2 registry into a content-addressed
 * store, and unpacked layer by layer into a module's root filesystem.
 *
 * <ul>
 *   <li>{@link io.eflow.edge.image.RegistryClient#pull} resolves a reference (through an image index to this
 *       host's linux/amd64 or linux/arm64 entry), fetches what the store lacks and records the reference.</li>
 *   <li>{@link io.eflow.edge.image.BlobStore} keeps each blob once under {@code blobs/sha256/<hex>}, verified and
 *       renamed into place only when whole; {@code gc} drops the images no longer in use and their blobs.</li>
 *   <li>{@link io.eflow.edge.image.ImageArchive#load} reads an OCI image layout or a docker-archive tarball
 *       (plain or gzip), verifies every blob, stores them as a pull would and records the archive's references,
 *       all of them or none.</li>
 *   <li>{@link io.eflow.edge.image.LayerExtractor} unpacks tar and tar+gzip layers, honouring OCI whiteouts and
 *       refusing any entry that would land outside the target.</li>
 * </ul>
 * Every failure is an {@link io.eflow.edge.image.ImageException} with a one-line message.
 */
package io.eflow.edge.image;
