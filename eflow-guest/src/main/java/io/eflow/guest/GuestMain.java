package io.eflow.guest;

import com.fasterxml.jackson.databind.JsonNode;
import io.eflow.edge.agent.AgentRequests;
import io.eflow.edge.agent.AgentServer;
import io.eflow.edge.agent.EdgeAgent;
import io.eflow.edge.cloud.AgentTwin;
import io.eflow.edge.cloud.CloudLink;
import io.eflow.edge.cloud.CloudRequests;
import io.eflow.edge.cloud.CloudUpstream;
import io.eflow.edge.cloud.DpsRegistrar;
import io.eflow.edge.cloud.HubPorts;
import io.eflow.edge.cloud.tpm.GuestTpm;
import io.eflow.edge.device.DeviceIdentity;
import io.eflow.edge.hub.HubRequests;
import io.eflow.edge.hub.HubService;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * The guest runtime: the edge hub (MQTT, routes, store-and-forward, upstream), the edge agent (modules from
 * deployment manifests), their control socket, and a status file with the runtime's version and health.
 * {@code run} keeps a status file fresh for the host to read; {@code status} prints it.
 */
public final class GuestMain {
    static final Path STATUS_FILE = Path.of("/run/eflow/runtime.json");

    private GuestMain() {
    }

    public static void main(String[] args) throws Exception {
        String command = args.length == 0 ? "run" : args[0];
        switch (command) {
            case "run" -> run();
            case "status" -> System.out.println(Files.readString(STATUS_FILE));
            case "version" -> System.out.println(RuntimeStatus.currentVersion());
            default -> {
                System.err.println("eflow-guest: unknown command '" + command + "' (run, status, version)");
                System.exit(2);
            }
        }
    }

    /**
     * A deployment from IoT Hub (the device twin's desired properties) is applied like one from the host; the same
     * one again (each reconnect reads the whole twin) changes nothing, and an invalid one leaves the running one.
     */
    static void applyFromUpstream(EdgeAgent agent, JsonNode manifest) {
        if (agent.deployment().map(manifest::equals).orElse(false)) {
            return;
        }
        try {
            agent.apply(manifest.toString());
            System.getLogger(GuestMain.class.getName()).log(System.Logger.Level.INFO, "applied the deployment IoT Hub sent");
        } catch (IOException | RuntimeException e) {
            System.getLogger(GuestMain.class.getName()).log(System.Logger.Level.ERROR,
                    "the deployment IoT Hub sent was not applied, the running one stays: " + e.getMessage());
        }
    }

    private static void run() throws Exception {
        // a runtime that died left its socket: gone now, the host waits for this one's instead of being refused
        Files.deleteIfExists(EdgeAgent.Layout.GUEST.socket());
        // the heartbeat first: the host sees a runtime that is starting, not a silent one
        StatusReporter status = new StatusReporter(STATUS_FILE, Duration.ofSeconds(2), new SystemSampler(Path.of("/proc")));
        Thread reporter = new Thread(() -> {
            try {
                status.run();
            } catch (IOException e) {
                System.getLogger(GuestMain.class.getName()).log(System.Logger.Level.ERROR, "cannot write " + STATUS_FILE + ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "status-reporter");
        reporter.setDaemon(true); // a start that fails ends the process, and runsv starts it again
        reporter.start();
        String hostname = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        DeviceIdentity device = DeviceIdentity.local(hostname);
        // the hub starts first: modules resumed by the agent connect to it at once
        HubService hub = HubService.start(HubService.Settings.guest(EdgeAgent.Layout.GUEST.state().resolve("hub")), device);
        EdgeAgent agent = new EdgeAgent(EdgeAgent.Layout.GUEST, device, hub);
        agent.start();
        hub.onDeployment(manifest -> applyFromUpstream(agent, manifest));
        CloudLink cloud = new CloudLink(EdgeAgent.Layout.GUEST.state().resolve("cloud"),
                identity -> CloudLink.edgeAgentIdentity(identity, HubPorts.STANDARD, Duration.ofSeconds(20), Clock.systemUTC()),
                new DpsRegistrar(Duration.ofSeconds(20), Clock.systemUTC(),
                        () -> GuestTpm.at(EdgeAgent.Layout.GUEST.state().resolve("cloud-tpm"))), CloudLink.Backoff.STANDARD,
                Clock.systemUTC());
        status.iotHub(cloud::state);
        AgentTwin twin = new AgentTwin(cloud, agent, RuntimeStatus.currentVersion(), HubPorts.STANDARD,
                Duration.ofSeconds(20), Clock.systemUTC());
        twin.onHubReported(hub::reportUpstream);
        cloud.onChange(() -> hub.cloudUpstream(cloud.current().map(identity -> CloudUpstream.of(identity, agent::deployedModules,
                HubPorts.STANDARD)),
                twin::hubDesired));
        twin.start();
        // the hub may be slow to answer or down: the runtime serves the host meanwhile
        Thread contact = new Thread(cloud::start, "cloud-start");
        contact.setDaemon(true);
        contact.start();
        AgentServer server = new AgentServer(new AgentRequests(agent), new HubRequests(hub), new CloudRequests(cloud, Clock.systemUTC()),
                EdgeAgent.Layout.GUEST.socket());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (IOException ignored) {
                // exiting anyway
            }
            twin.close();
            agent.close();
            hub.close();
        }, "runtime-shutdown"));
        status.ready();
        reporter.join();
    }
}
