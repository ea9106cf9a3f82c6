package io.eflow.contract.manifest;

import java.util.Map;

/**
 * {@code $edgeAgent}'s {@code runtime.settings}; the runtime type is always "docker".
 *
 * @param minDockerVersion    kept as written (eflow runs modules with crun, not Docker); empty when absent
 * @param registryCredentials by the manifest's name for each, in manifest order
 */
public record RuntimeSettings(String minDockerVersion, Map<String, RegistryCredential> registryCredentials) {
    public RuntimeSettings {
        registryCredentials = Immutable.map(registryCredentials);
    }
}
