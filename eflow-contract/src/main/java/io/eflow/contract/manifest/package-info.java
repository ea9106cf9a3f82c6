/**
 * Azure IoT Edge deployment manifests, read unchanged and checked whole before the edge agent acts on them. The
 * reader is part of the contract so the host checks a deployment (routes included) with the very rules the guest's
 * agent applies, without carrying the guest runtime.
 *
 * <p>{@link io.eflow.contract.manifest.DeploymentManifest#parse} takes the document {@code {"modulesContent": ...}} or
 * its bare content {@code {"$edgeAgent": ..., "$edgeHub": ...}}. A manifest is accepted or refused as a whole: the
 * first problem throws a {@link io.eflow.contract.manifest.ManifestException} naming the field by its JSON path (keys
 * joined with '.', array elements as {@code [i]}, into createOptions too, even when they are a string). A field eflow
 * does not know is kept in {@code json()} and reported as a warning, never silently dropped.
 *
 * <p>Rules eflow holds to that IoT Edge leaves looser:
 * <ul>
 *   <li>A module name is 1-63 letters, digits, '-' or '_', starting with a letter or digit: it is also the
 *       container's host name (one DNS label). Names that differ only in case are refused, names starting with '$'
 *       are reserved, and edgeAgent/edgeHub belong under systemModules.</li>
 *   <li>Image references follow Docker's grammar ({@code [registry[:port]/]path[:tag][@sha256:digest]}, lowercase
 *       path); a registry credential's address is a plain host[:port].</li>
 *   <li>createOptions are read as Docker reads them: field names ignoring case, values strictly typed (no "1024"
 *       for a number). Split createOptions must be numbered 01, 02, … without gaps.</li>
 *   <li>A JSON field given twice is refused rather than the last one winning.</li>
 * </ul>
 */
package io.eflow.contract.manifest;
