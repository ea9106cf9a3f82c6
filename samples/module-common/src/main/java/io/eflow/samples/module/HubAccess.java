package io.eflow.samples.module;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.ModuleClient;
import com.microsoft.azure.sdk.iot.device.auth.IotHubSSLContext;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * How a sample gets its client of the edge hub (MQTT over TLS, the SDK's {@link ModuleClient}), and what to call the
 * hub in its log.
 *
 * <ul>
 *   <li>A module IoT Edge started: {@link ModuleClient#createFromEnvironment}. The SDK reads the IOTEDGE_* variables,
 *   gets the edge CA from the workload API (IOTEDGE_WORKLOADURI, a UNIX socket: {@link WorkloadSocket}) and has it
 *   sign each SAS token, and connects to IOTEDGE_GATEWAYHOSTNAME:8883; or it takes {@code EdgeHubConnectionString}
 *   and {@code EdgeModuleCACertificateFile} when the deployment gave the module those.</li>
 *   <li>A client through a forward (a host application; a test): {@code EdgeHubConnectionString} (from
 *   {@code eflow hub identity show}), {@code EdgeModuleCACertificateFile} (from {@code eflow hub ca}), and
 *   EDGEHUB_HOST (default 127.0.0.1) / EDGEHUB_PORT (default 8883) where the hub's TLS port is reached.</li>
 *   <li>Neither (not started by IoT Edge, e.g. samples/check-image): no hub; the sample runs and logs.</li>
 * </ul>
 */
public record HubAccess(String description, Factory factory) {
    public static final String CONNECTION_STRING = "EdgeHubConnectionString";
    public static final String CA_FILE = "EdgeModuleCACertificateFile";
    public static final String WORKLOAD_URI = "IOTEDGE_WORKLOADURI";
    public static final int TLS_PORT = 8883;

    /** Makes the client; it may fail (the workload API not up yet), and is asked again after a back-off. */
    @FunctionalInterface
    public interface Factory {
        ModuleClient create() throws IotHubClientException, IOException;
    }

    /** What the environment says; empty outside IoT Edge and without a connection string. */
    public static Optional<HubAccess> from(Env env) {
        Optional<String> connectionString = env.optional(CONNECTION_STRING);
        if (env.optional("EDGEHUB_HOST").isPresent() || env.optional("EDGEHUB_PORT").isPresent()) {
            Forward forward = new Forward(env.string("EDGEHUB_HOST", "127.0.0.1"), (int) env.whole("EDGEHUB_PORT", TLS_PORT, 1));
            String cs = connectionString.orElseThrow(() -> new IllegalArgumentException(
                    "EDGEHUB_HOST/EDGEHUB_PORT need " + CONNECTION_STRING + " (eflow hub identity show NAME)"));
            return Optional.of(forwarded(cs, env.optional(CA_FILE).map(Path::of), forward));
        }
        if (connectionString.isPresent()) {
            return Optional.of(new HubAccess("the edge hub of " + CONNECTION_STRING
                    + env.optional(CA_FILE).map(f -> ", trusting the CA in " + f).orElse(""), HubAccess::fromEnvironment));
        }
        return env.optional(WORKLOAD_URI).map(uri -> new HubAccess("the edge hub at "
                + env.string("IOTEDGE_GATEWAYHOSTNAME", "(IoT Hub)") + ":" + TLS_PORT + " as " + env.string("IOTEDGE_DEVICEID", "?")
                + "/" + env.string("IOTEDGE_MODULEID", "?") + ", signed and trusted by the workload API at " + uri,
                HubAccess::fromEnvironment));
    }

    /** A client of the hub's TLS port through {@code forward}, trusting the CA in {@code caFile} (else the JVM's CAs). */
    public static HubAccess forwarded(String connectionString, Optional<Path> caFile, Forward forward) {
        return new HubAccess("the edge hub through " + forward.host() + ":" + forward.port()
                + caFile.map(f -> ", trusting the CA in " + f).orElse(""), () -> {
                    SSLContext trust = caFile.isPresent() ? trusting(caFile.get()) : defaultTls();
                    return new ModuleClient(connectionString, IotHubClientProtocol.MQTT,
                            ClientOptions.builder().sslContext(forward.over(trust)).build());
                });
    }

    private static ModuleClient fromEnvironment() throws IotHubClientException {
        return ModuleClient.createFromEnvironment(new WorkloadSocket(), IotHubClientProtocol.MQTT);
    }

    private static SSLContext trusting(Path caFile) throws IOException {
        try {
            return IotHubSSLContext.getSSLContextFromFile(caFile.toString());
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot trust the CA in " + caFile + ": " + e.getMessage(), e);
        }
    }

    private static SSLContext defaultTls() throws IOException {
        try {
            return SSLContext.getDefault();
        } catch (GeneralSecurityException e) {
            throw new IOException("no TLS in this Java runtime: " + e.getMessage(), e);
        }
    }
}
