package io.eflow.edge.device;

import io.eflow.contract.manifest.DeploymentManifest;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The agent's side of the edge hub: the hub learns each deployment before its modules start (routes, module
 * identities, twins), and each module starts with the credentials of its hub identity. An agent runs without a hub
 * ({@link #NONE}) in tests of the agent alone.
 */
public interface ModuleHub {
    ModuleHub NONE = new ModuleHub() {
        @Override
        public void deploy(DeploymentManifest manifest) {
        }

        @Override
        public Optional<ModuleCredentials> credentials(String module) {
            return Optional.empty();
        }
    };

    /** A deployment is about to run (applied, or resumed at start). */
    void deploy(DeploymentManifest manifest);

    /** What the module needs to connect to the hub, once {@link #deploy} has made its identity. */
    Optional<ModuleCredentials> credentials(String module);

    /**
     * A module's hub credentials, as IoT Edge's module SDKs read them from the environment.
     *
     * @param connectionString {@code EdgeHubConnectionString}: host names, device and module id, the module's key
     * @param caCertificate    the edge CA's certificate in the guest, mounted read-only into the module; its path
     *                         inside goes in {@code EdgeModuleCACertificateFile} so the SDK trusts the hub's TLS port
     */
    record ModuleCredentials(String connectionString, Path caCertificate) {
    }
}
