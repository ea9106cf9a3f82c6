package io.eflow.iothub.emulator.dps;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.eflow.iothub.emulator.mqtt.SessionClaim;
import io.eflow.iothub.emulator.registry.Registry;
import io.eflow.iothub.emulator.service.ServiceServer;
import io.netty.channel.ChannelHandler;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/**
 * The Device Provisioning Service beside the hub, on the hub's own ports as DPS has its own 443 and 8883: its device
 * side on MQTT ({@link #mqttClaim()}: connections whose user name is {@code {idScope}/registrations/…}) and HTTPS (the
 * {@code /{idScope}/registrations/…} paths), its service side on HTTPS ({@code /enrollments/…},
 * {@code /enrollmentGroups/…}); devices it assigns are made in the hub's {@link Registry}.
 */
public final class ProvisioningService {
    private final Enrollments enrollments;
    private final Registrations registrations;
    private final RegistrationJson answers;
    private final ServicePolicy policy;
    private final ObjectMapper json;
    private final Clock clock;

    private ProvisioningService(Enrollments enrollments, Registry registry, String hostName, ObjectMapper json, Clock clock) {
        this.enrollments = enrollments;
        this.registrations = new Registrations(enrollments, registry, hostName, clock);
        this.answers = new RegistrationJson(json, clock);
        this.policy = new ServicePolicy(hostName, enrollments.serviceKey(), clock);
        this.json = json;
        this.clock = clock;
    }

    /**
     * @param hostName the hub's, which is also the service's: devices and tools reach both at the one address
     * @param state    where {@code dps.json} is kept
     */
    public static ProvisioningService open(Path state, Registry registry, String hostName, ObjectMapper json, Clock clock)
            throws IOException {
        return new ProvisioningService(Enrollments.open(state, clock), registry, hostName, json, clock);
    }

    public String idScope() {
        return enrollments.idScope();
    }

    /** The service connection string with the {@code provisioningserviceowner} policy's key. */
    public String serviceConnectionString() {
        return policy.connectionString();
    }

    /** The enrollments, for in-process tools and tests. */
    public Enrollments enrollments() {
        return enrollments;
    }

    /** Takes the MQTT port's connections that are registrations. */
    public SessionClaim mqttClaim() {
        return connect -> MqttRegistration.USER_NAME.matcher(Optional.ofNullable(connect.payload().userName()).orElse(""))
                .matches() ? Optional.<ChannelHandler>of(new MqttRegistration(registrations, answers, json)) : Optional.empty();
    }

    /** Serves the device and service APIs on the HTTPS port. */
    public void mount(ServiceServer service) {
        service.mount(DeviceEndpoint.PATH, new DeviceEndpoint(registrations, answers, json));
        service.mount(ServiceEndpoint.PATH, new ServiceEndpoint(enrollments, policy, answers, json, clock));
    }
}
