package io.eflow.iothub.emulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.eflow.contract.json.Mappers;
import io.eflow.iothub.emulator.auth.Authenticator;
import io.eflow.iothub.emulator.dps.ProvisioningService;
import io.eflow.iothub.emulator.hub.Connections;
import io.eflow.iothub.emulator.hub.MethodCalls;
import io.eflow.iothub.emulator.hub.Telemetry;
import io.eflow.iothub.emulator.mqtt.HttpsFront;
import io.eflow.iothub.emulator.mqtt.MqttServer;
import io.eflow.iothub.emulator.registry.Registry;
import io.eflow.iothub.emulator.service.ServiceServer;
import io.eflow.iothub.emulator.tls.HubCa;
import io.eflow.iothub.emulator.tls.RelayedClients;
import io.eflow.iothub.emulator.tls.ServerIdentity;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * A running emulator: the registry in its state folder, the CA, the MQTT device side and the HTTPS service side, and
 * the Device Provisioning Service that shares both ports.
 * Tests start it in-process on ephemeral ports; {@link Main} runs it alone.
 */
public final class IotHubEmulator implements AutoCloseable {
    private final EmulatorOptions options;
    private final Registry registry;
    private final HubCa ca;
    private final MqttServer mqtt;
    private final Telemetry telemetry;
    private final HttpsFront front;
    private final ServiceServer service;
    private final ProvisioningService provisioning;

    private IotHubEmulator(EmulatorOptions options, Registry registry, HubCa ca, Telemetry telemetry, MqttServer mqtt,
                           HttpsFront front, ServiceServer service, ProvisioningService provisioning) {
        this.options = options;
        this.registry = registry;
        this.ca = ca;
        this.telemetry = telemetry;
        this.mqtt = mqtt;
        this.front = front;
        this.service = service;
        this.provisioning = provisioning;
    }

    public static IotHubEmulator start(EmulatorOptions options) throws IOException {
        Clock clock = Clock.systemUTC();
        ObjectMapper json = Mappers.standard();
        Registry registry = Registry.open(options.state(), clock);
        HubCa ca = HubCa.open(options.state().resolve("ca"));
        ServerIdentity identity = ca.serverIdentity(options.hostName());
        Authenticator authenticator = new Authenticator(registry, options.hostName(), clock);
        Connections connections = new Connections(registry);
        MethodCalls methods = new MethodCalls(connections);
        Telemetry telemetry = new Telemetry(clock);
        ProvisioningService provisioning = ProvisioningService.open(options.state(), registry, options.hostName(), json, clock);
        MqttServer mqtt = MqttServer.start(new InetSocketAddress(options.bind(), options.mqttPort()), identity,
                authenticator, registry, connections, methods, telemetry, json, List.of(provisioning.mqttClaim()));
        ServiceServer service = null;
        try {
            RelayedClients clients = new RelayedClients();
            service = ServiceServer.start(authenticator, registry, connections, methods, telemetry, json, clock, clients);
            provisioning.mount(service);
            HttpsFront front = HttpsFront.start(new InetSocketAddress(options.bind(), options.httpsPort()),
                    service.address(), identity, authenticator, registry, connections, methods, telemetry, json, clients);
            service.publicPort(front.port());
            return new IotHubEmulator(options, registry, ca, telemetry, mqtt, front, service, provisioning);
        } catch (IOException | RuntimeException e) {
            mqtt.close();
            if (service != null) {
                service.close();
            }
            throw e;
        }
    }

    /** The service connection string with the {@code iothubowner} policy's key. */
    public String serviceConnectionString() {
        return "HostName=" + options.hostName() + ";SharedAccessKeyName=" + Authenticator.OWNER_POLICY
                + ";SharedAccessKey=" + registry.ownerKey();
    }

    /** The PEM file of the CA the server certificates chain to. */
    public Path caCertificate() {
        return ca.certificateFile();
    }

    public String hostName() {
        return options.hostName();
    }

    public int mqttPort() {
        return mqtt.port();
    }

    public int httpsPort() {
        return front.port();
    }

    /** The registry, for in-process tools and tests. */
    public Registry registry() {
        return registry;
    }

    /** The Device Provisioning Service on the same ports: its id scope, service connection string and enrollments. */
    public ProvisioningService provisioning() {
        return provisioning;
    }

    /** The telemetry received, for in-process tools and tests. */
    public Telemetry telemetry() {
        return telemetry;
    }

    @Override
    public void close() {
        front.close();
        service.close();
        mqtt.close();
    }
}
