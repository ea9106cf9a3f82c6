package io.eflow.backend;

import io.eflow.firewall.FirewallRule;
import io.eflow.firewall.GuestFirewall;
import io.eflow.firewall.GuestSecurity;
import io.eflow.image.GuestPayloadFiles;
import io.eflow.instance.model.Endpoint;
import io.eflow.platform.EflowException;
import io.eflow.platform.Exec;
import io.eflow.platform.FileTrees;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A guest's endpoints as the host builds them at each start: endpoint i is the guest's eth(i+1), on a host interface
 * attached to its network's bridge — a veth pair on the namespace backend, a tap on a VM.
 *
 * <p>Route metrics make the default route the one the user chose: the host link's gateway at {@value #PRIMARY_METRIC},
 * an endpoint marked default-route below it, the others above it in the order added.
 */
public final class GuestLinks {
    public static final int PRIMARY_METRIC = 100;
    private static final int CHOSEN_METRIC = 50;
    private static final int OTHER_METRIC = 200;
    /** The event script udhcpc runs, from the guest payload: the same file a VM's own udhcpc runs. */
    private static final String DHCP_SCRIPT = "usr/lib/eflow/bin/dhcp-event";
    private static final String STARTED_INTERFACES = "interfaces";

    private GuestLinks() {
    }

    public static String guestInterface(int index) {
        return "eth" + (index + 1);
    }

    public static int metric(List<Endpoint> endpoints, int index) {
        return endpoints.get(index).defaultRoute() ? CHOSEN_METRIC : OTHER_METRIC + index;
    }

    /** Each endpoint's name to its interface in the guest, the host link's first: what firewall rules match on. */
    public static Map<String, String> interfaces(List<Endpoint> endpoints) {
        Map<String, String> interfaces = new LinkedHashMap<>();
        interfaces.put(Endpoint.HOST_LINK, "eth0");
        for (int i = 0; i < endpoints.size(); i++) {
            interfaces.put(endpoints.get(i).name(), guestInterface(i));
        }
        return interfaces;
    }

    /**
     * Remembers which interface each endpoint has in the guest just started: endpoints added or removed while it runs
     * wait for the next start, and a firewall change in the meantime must match the interfaces the guest has.
     */
    public static void recordStarted(Path run, List<Endpoint> endpoints) {
        StringBuilder text = new StringBuilder();
        interfaces(endpoints).forEach((name, iface) -> text.append(name).append('=').append(iface).append('\n'));
        FileTrees.write(run.resolve(STARTED_INTERFACES), text.toString().getBytes(StandardCharsets.UTF_8), "rw-------");
    }

    /**
     * The guest's firewall for its interfaces in force: those of its start when it runs, else those of its
     * configuration. A rule for an endpoint the running guest does not have yet is left out until the next start.
     */
    public static String firewall(GuestSecurity security, List<Endpoint> endpoints, Path run) {
        Map<String, String> interfaces = interfaces(endpoints);
        Path started = run.resolve(STARTED_INTERFACES);
        if (Files.isRegularFile(started)) {
            interfaces = new LinkedHashMap<>();
            for (String line : new String(FileTrees.read(started), StandardCharsets.UTF_8).split("\n")) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    interfaces.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
        }
        Map<String, String> inForce = interfaces;
        List<FirewallRule> rules = security.firewallRules().stream()
                .filter(rule -> rule.endpoint() == null || inForce.containsKey(rule.endpoint())).toList();
        return GuestFirewall.render(new GuestSecurity(security.sshTransport(), rules, security.dmVerity(), security.tpmPassthrough(), security.timeSync()),
                inForce);
    }

    /** Host-side name of endpoint {@code index}'s interface: per instance, within the kernel's 15 characters. */
    public static String hostInterface(String hostId, int index) {
        return prefix(hostId) + index;
    }

    private static String prefix(String hostId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(hostId.getBytes(StandardCharsets.UTF_8));
            return "ex" + HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Veth pairs into the guest's network namespace, each configured from the host (the guest has no CAP_NET_ADMIN):
     * a static address and route at once, or the host's udhcpc running in the namespace, its pid in {@code run} and its
     * event script in {@code state} (the host's /run may be mounted noexec).
     */
    public static void createInNamespace(String hostId, String netns, String hostname, List<Endpoint> endpoints, Path run,
                                         Path state) {
        for (int i = 0; i < endpoints.size(); i++) {
            Endpoint endpoint = endpoints.get(i);
            String host = hostInterface(hostId, i);
            String guest = guestInterface(i);
            Exec.of("ip", "-batch", "-").input(String.join("\n",
                    "link add " + host + " type veth peer name " + guest + " netns " + netns,
                    "link set " + host + " master " + endpoint.bridge(),
                    "link set " + host + " up") + "\n").check();
            List<String> inGuest = new ArrayList<>(List.of("link set " + guest + " address " + endpoint.mac(), "link set " + guest + " up"));
            if (!endpoint.dhcp()) {
                inGuest.add("addr add " + endpoint.ip().address() + "/" + endpoint.ip().prefix() + " dev " + guest);
                if (endpoint.ip().gateway() != null) {
                    inGuest.add("route add default via " + endpoint.ip().gateway() + " dev " + guest + " metric " + metric(endpoints, i));
                }
            }
            Exec.of("ip", "-n", netns, "-batch", "-").input(String.join("\n", inGuest) + "\n").check();
            if (endpoint.dhcp()) {
                startDhcpClient(netns, guest, hostname, metric(endpoints, i), run, state);
            }
        }
    }

    /**
     * Busybox's udhcpc (-b: it goes on trying in the background when no lease comes within three tries); it forks
     * once it holds a lease and renews it for as long as the guest runs.
     */
    private static void startDhcpClient(String netns, String iface, String hostname, int metric, Path run, Path state) {
        Path script = state.resolve("dhcp-event");
        FileTrees.write(script, GuestPayloadFiles.read(DHCP_SCRIPT), "rwx------");
        Path log = run.resolve("udhcpc-" + iface + ".log");
        Exec.Result started = Exec.of("ip", "netns", "exec", netns, "busybox", "udhcpc", "-b", "-t", "3", "-T", "1", "-i", iface,
                        "-s", script.toString(), "-p", dhcpPidFile(run, iface).toString(), "-x", "hostname:" + hostname)
                .env("EFLOW_METRIC", Integer.toString(metric)).outputTo(log).timeoutSeconds(30).run();
        if (!started.ok()) {
            throw EflowException.failure("cannot start DHCP on the guest's " + iface + ": " + started.describeFailure(), null);
        }
    }

    private static Path dhcpPidFile(Path run, String iface) {
        return run.resolve("udhcpc-" + iface + ".pid");
    }

    /** Stops the DHCP clients a namespace guest's start left running (each keeps the namespace alive). */
    public static void stopDhcpClients(Path run) {
        if (!Files.isDirectory(run)) {
            return;
        }
        try (var files = Files.list(run)) {
            for (Path pidFile : files.filter(f -> f.getFileName().toString().matches("udhcpc-.*\\.pid")).toList()) {
                // a pid is only trusted while it is still busybox's udhcpc (pids are reused)
                ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim()))
                        .filter(process -> process.info().command().map(c -> c.endsWith("busybox") || c.endsWith("udhcpc")).orElse(false))
                        .ifPresent(process -> {
                            process.destroyForcibly();
                            process.onExit().join();
                        });
                Files.delete(pidFile);
            }
        } catch (IOException | NumberFormatException e) {
            throw EflowException.failure("cannot stop the guest's DHCP clients: " + e.getMessage(), e);
        }
    }

    /** Taps on the endpoints' bridges, one per endpoint in order; QEMU opens them by name. */
    public static List<String> createTaps(String hostId, List<Endpoint> endpoints) {
        List<String> taps = new ArrayList<>();
        for (int i = 0; i < endpoints.size(); i++) {
            String tap = hostInterface(hostId, i);
            Exec.of("ip", "-batch", "-").input(String.join("\n", "tuntap add dev " + tap + " mode tap",
                    "link set " + tap + " master " + endpoints.get(i).bridge(), "link set " + tap + " up") + "\n").check();
            taps.add(tap);
        }
        return taps;
    }

    /** The kernel command line's word for endpoint {@code index}, which the guest's init reads. */
    public static String kernelWord(List<Endpoint> endpoints, int index) {
        Endpoint endpoint = endpoints.get(index);
        String how = endpoint.dhcp() ? "dhcp" : endpoint.ip().address() + "/" + endpoint.ip().prefix() + ","
                + (endpoint.ip().gateway() == null ? "-" : endpoint.ip().gateway());
        return "eflow.nic." + (index + 1) + "=" + endpoint.mac() + "," + how + "," + metric(endpoints, index);
    }

    /** Deletes the instance's endpoint interfaces on the host (a namespace's veths go with it; taps stay until this). */
    public static void remove(String hostId) {
        String prefix = prefix(hostId);
        try (var links = Files.list(Path.of("/sys/class/net"))) {
            for (String link : links.map(l -> l.getFileName().toString()).filter(l -> l.startsWith(prefix)).toList()) {
                Exec.of("ip", "link", "del", link).run();
            }
        } catch (IOException e) {
            throw EflowException.failure("cannot list the host's interfaces: " + e.getMessage(), e);
        }
    }
}
