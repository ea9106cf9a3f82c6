package io.eflow.it;

import io.eflow.backend.GuestNic;
import io.eflow.edge.cloud.HubPorts;
import io.eflow.forward.Forward;
import io.eflow.instance.InstanceManager;
import io.eflow.instance.model.BackendKind;
import io.eflow.instance.model.InstanceConfig;
import io.eflow.instance.model.InstanceLayout;
import io.eflow.iothub.emulator.EmulatorOptions;
import io.eflow.iothub.emulator.IotHubEmulator;
import io.eflow.platform.EflowPaths;
import io.eflow.platform.Exec;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How a guest reaches the IoT Hub emulator as it would reach Azure: the emulator listens on IoT Hub's own ports, 8883
 * and 443, on the host's loopback, and the hub is {@value #HUB} in the guest's /etc/hosts. A VM's name is its network's
 * host address, which QEMU's user network connects to the host's loopback. A namespace guest's is a loopback address of
 * its own whose ports 8883 and 443 are redirected to reverse forwards ({@link #forwards}) inside the guest's network
 * namespace (an SSH user cannot forward a privileged port, and the edge hub's own 8883 on the guest's other addresses
 * must stay the edge hub's).
 */
final class EmulatorRoute {
    static final String HUB = "iothub.eflow.test";
    static final int MQTT_FORWARD = 18883;
    static final int HTTPS_FORWARD = 10443;
    private static final String NFT_TABLE = "eflow_it_iothub";
    private static final String NAMESPACE_HUB_ADDRESS = "127.0.0.2";

    private EmulatorRoute() {
    }

    /** The emulator as {@value #HUB} on IoT Hub's ports of the host's loopback, its state in {@code work}. */
    static IotHubEmulator start(Path work) throws IOException {
        return IotHubEmulator.start(new EmulatorOptions(HUB, "127.0.0.1", HubPorts.STANDARD.mqtt(), HubPorts.STANDARD.https(), work));
    }

    /** The reverse forwards a namespace guest's redirect leads to: the emulator's MQTT and HTTPS ports. */
    static List<Forward> forwards(IotHubEmulator emulator) {
        return List.of(new Forward(Forward.Direction.TO_HOST, "127.0.0.1:" + emulator.mqttPort(), MQTT_FORWARD),
                new Forward(Forward.Direction.TO_HOST, "127.0.0.1:" + emulator.httpsPort(), HTTPS_FORWARD));
    }

    /** Whether a forward is one of {@link #forwards}. */
    static boolean isRouteForward(Forward forward) {
        return forward.direction() == Forward.Direction.TO_HOST
                && (forward.guestPort() == MQTT_FORWARD || forward.guestPort() == HTTPS_FORWARD);
    }

    /**
     * Names the hub in the guest's /etc/hosts and, for a namespace guest, redirects its ports to the forwards, from the
     * host (its guests hold no CAP_NET_ADMIN); {@code on} false takes both away again.
     */
    static void redirect(InstanceManager manager, EflowPaths paths, String guest, boolean on) {
        InstanceConfig config = manager.config(guest);
        boolean namespace = config.backend() == BackendKind.NAMESPACE;
        String address = namespace ? NAMESPACE_HUB_ADDRESS : config.network().gateway();
        String hosts = on ? "grep -q ' " + HUB + "$' /etc/hosts || echo '" + address + " " + HUB + "' >> /etc/hosts"
                : "sed -i '/ " + HUB.replace(".", "\\.") + "$/d' /etc/hosts";
        var named = manager.invoke(guest, List.of("sudo", "sh", "-c", hosts), Duration.ofSeconds(30));
        assertThat(named.exitCode()).as(named.stderrText()).isZero();
        if (namespace) {
            String rules = on ? """
                    table ip %1$s
                    delete table ip %1$s
                    table ip %1$s {
                      chain out {
                        type nat hook output priority -100; policy accept;
                        ip daddr %4$s tcp dport 8883 redirect to :%2$d
                        ip daddr %4$s tcp dport 443 redirect to :%3$d
                      }
                    }
                    """.formatted(NFT_TABLE, MQTT_FORWARD, HTTPS_FORWARD, NAMESPACE_HUB_ADDRESS)
                    : "table ip %1$s\ndelete table ip %1$s\n".formatted(NFT_TABLE);
            String netns = new GuestNic(InstanceLayout.of(paths, guest).hostId(), config.network()).netns();
            Exec.of("ip", "netns", "exec", netns, "nft", "-f", "-").input(rules).check();
        }
    }
}
