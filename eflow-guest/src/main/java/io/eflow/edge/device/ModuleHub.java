package io.eflow.edge.device;

import io.eflow.contract.manifest.DeploymentManifest;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The agent's side of the edge hub: the hub learns each deployment before its modules start (routes, module
 * identities, twins), and each module starts with what IoT Edge gives a module to reach its hub: its generation id and
 * a workload API socket of its own, never its key. An agent runs without a hub ({@link #NONE}) in tests of the agent
 * alone.
 */
public interface ModuleHub {
    ModuleHub NONE = new ModuleHub() {
        @Override
        public void deploy(DeploymentManifest manifest) {
        }

        @Override
        public Optional<ModuleAccess> access(String module, boolean connectionString) {
            return Optional.empty();
        }

        @Override
        public void serveWorkload(String module, long uid, long gid) {
        }

        @Override
        public boolean recreateIdentity(String module) {
            return false;
        }

        @Override
        public List<CertificateState> certificates() {
            return List.of();
        }
    };

    /** A deployment is about to run (applied, or resumed at start). */
    void deploy(DeploymentManifest manifest);

    /**
     * What the module starts with, once {@link #deploy} has made its identity.
     *
     * @param connectionString whether the module's deployment asks for {@code EdgeHubConnectionString} (key included)
     */
    Optional<ModuleAccess> access(String module, boolean connectionString);

    /**
     * Serves the module's workload API socket in {@link ModuleAccess#workloadFolder}, reachable by {@code uid:gid}
     * only; it goes when a deployment no longer has the module.
     */
    void serveWorkload(String module, long uid, long gid) throws IOException;

    /**
     * Makes the module's identity again (a new key and generation id): what the module holds stops working, and it
     * must restart to get the new generation.
     *
     * @return false when there is no such module identity
     */
    boolean recreateIdentity(String module) throws IOException;

    /** The edge CA's and the hub's server certificate's expiry and renewal, for {@code eflow check}. */
    List<CertificateState> certificates();

    /**
     * What a module gets to reach its hub, as IoT Edge's module SDKs read it from the environment.
     *
     * @param generationId     {@code IOTEDGE_MODULEGENERATIONID}: which of the identities of that name it is
     * @param workloadFolder   the guest folder with the module's workload API socket, mounted at IoT Edge's
     *                         {@code /var/run/iotedge} ({@code IOTEDGE_WORKLOADURI})
     * @param caCertificate    the edge CA's certificate in the guest, mounted read-only into the module
     * @param connectionString {@code EdgeHubConnectionString}, only for a module whose deployment asks for it
     */
    record ModuleAccess(String generationId, Path workloadFolder, Path caCertificate, Optional<String> connectionString) {
        @Override
        public String toString() {
            return "generation " + generationId + ", workload API in " + workloadFolder
                    + (connectionString.isPresent() ? ", with a connection string" : "");
        }
    }
}
