package io.eflow.samples.module;

import io.eflow.edge.device.DeviceIdentity;
import io.eflow.edge.device.ModuleHub;
import io.eflow.edge.hub.HubService;
import io.eflow.edge.hub.TestDeployments;
import io.eflow.edge.hub.store.StoreConfig;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The guest's real edge hub, in-process on free loopback ports (its TLS port is reached through a {@link Forward}),
 * for the samples' tests: the modules connect to it as IoT Edge would let them. Public: the samples' other modules
 * test on it too (this module's test jar).
 */
public final class TestHub implements AutoCloseable {
    public static final DeviceIdentity DEVICE = new DeviceIdentity("dev1", "dev1.local", "dev1");

    private final HubService service;

    private TestHub(HubService service) {
        this.service = service;
    }

    public static TestHub start(Path dir) throws IOException {
        return start(dir, 0);
    }

    /** With its TLS port on {@code tlsPort} (0: a free one). */
    public static TestHub start(Path dir, int tlsPort) throws IOException {
        InetSocketAddress loopback = new InetSocketAddress("127.0.0.1", 0);
        return new TestHub(HubService.start(new HubService.Settings(dir.resolve("hub"), loopback,
                new InetSocketAddress("127.0.0.1", tlsPort), loopback, StoreConfig.in(dir.resolve("hub").resolve("store"))), DEVICE));
    }

    /** A deployment of {@code modules} (no desired properties) with {@code routes} (a JSON object of routes). */
    public void deploy(String routes, String... modules) {
        service.deploy(TestDeployments.of(List.of(modules), routes, Map.of()));
    }

    public HubService service() {
        return service;
    }

    /** The hub's TLS port, as a host application reaches it through {@code eflow forward add PORT 8883}. */
    public Forward forward() {
        return new Forward("127.0.0.1", service.tlsPort());
    }

    /** A deployed module's access through the forward: the connection string the agent gives a module that asks, and the edge CA. */
    public HubAccess access(String module) {
        ModuleHub.ModuleAccess access = service.access(module, true).orElseThrow();
        return access(access.connectionString().orElseThrow(), access.caCertificate());
    }

    /** The access of any identity's connection string (a host identity's, say), trusting {@code caFile}. */
    public HubAccess access(String connectionString, Path caFile) {
        return HubAccess.forwarded(connectionString, Optional.of(caFile), forward());
    }

    @Override
    public void close() {
        service.close();
    }
}
