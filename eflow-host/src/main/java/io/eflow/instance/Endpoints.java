package io.eflow.instance;

import io.eflow.backend.GuestLinks;
import io.eflow.daemon.api.EndpointAdd;
import io.eflow.daemon.api.EndpointAddress;
import io.eflow.daemon.api.EndpointList;
import io.eflow.daemon.api.EndpointList.EndpointView;
import io.eflow.instance.model.Endpoint;
import io.eflow.instance.model.Endpoint.StaticAddress;
import io.eflow.instance.model.InstanceConfig;
import io.eflow.instance.model.NetworkConfig;
import io.eflow.instance.model.PowerState;
import io.eflow.network.HostNetwork;
import io.eflow.network.NetworkType;
import io.eflow.platform.EflowException;
import io.eflow.platform.InvalidValue;
import io.eflow.platform.Privileges;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Add-, Get- and Remove-EflowVmEndpoint, and {@code set --endpoint}: a guest's NICs on the host's networks. Changes are
 * checked whole and stored, or refused with nothing stored; they take effect at the next start on both backends (a VM's
 * NICs are fixed at QEMU's start here, and a namespace guest's links are made with the rest of its start).
 */
public final class Endpoints {
    /** Eight more NICs than the host link: PCI slots on a VM and, in practice, any plant's needs. */
    static final int MAX = 8;
    private final InstanceManager manager;
    private final InstanceStore store;
    private final HostNetworks networks;
    private final GuestAccess access;

    Endpoints(InstanceManager manager, InstanceStore store, HostNetworks networks, GuestAccess access) {
        this.manager = manager;
        this.store = store;
        this.networks = networks;
        this.access = access;
    }

    public EndpointList list(String name) {
        InstanceConfig config = store.load(name);
        boolean running = manager.powerState(config) == PowerState.RUNNING;
        Map<String, LinkState> live = running ? linkStates(name) : Map.of();
        List<EndpointView> views = new ArrayList<>();
        NetworkConfig link = config.network();
        views.add(view(Endpoint.HOST_LINK, "(host link)", "eth0", link.mac(), link.address() + "/" + link.prefix() + " via " + link.gateway(),
                GuestLinks.PRIMARY_METRIC, live, running));
        for (int i = 0; i < config.endpoints().size(); i++) {
            Endpoint e = config.endpoints().get(i);
            views.add(view(e.name(), e.network(), GuestLinks.guestInterface(i), e.mac(), e.dhcp() ? "dhcp" : e.ip().toString(),
                    GuestLinks.metric(config.endpoints(), i), live, running));
        }
        return new EndpointList(config.name(), views, running);
    }

    private static EndpointView view(String name, String network, String iface, String mac, String configuration, int metric,
                                     Map<String, LinkState> live, boolean running) {
        LinkState state = live.getOrDefault(iface, new LinkState("ABSENT", List.of()));
        return new EndpointView(name, network, iface, mac, configuration, metric, running ? state.state() : null,
                running ? state.addresses() : null);
    }

    public EndpointList add(String name, EndpointAdd request) {
        Privileges.requireRoot();
        return networks.locked(() -> manager.withLock(name, () -> {
            InstanceConfig config = store.load(name);
            HostNetwork network = networks.get(HostNetwork.requireName(request.network()));
            String endpointName = request.endpoint() == null || request.endpoint().isBlank() ? network.name() : request.endpoint();
            if (endpointName.equals(Endpoint.HOST_LINK) || config.endpoints().stream().anyMatch(e -> e.name().equals(endpointName))) {
                throw EflowException.conflict("instance '" + config.name() + "' has an endpoint named " + endpointName + " already;"
                        + " give another with --endpoint");
            }
            if (config.endpoints().size() >= MAX) {
                throw EflowException.conflict("instance '" + config.name() + "' has " + MAX + " endpoints, the most it can have");
            }
            String mac = request.mac() == null ? new NetworkAllocator().mac() : mac(request.mac());
            Endpoint endpoint = new Endpoint(endpointName, network.name(), network.bridge(), mac,
                    address(network, request.ip(), request.prefix(), request.gateway(), request.dhcp()), request.defaultRoute());
            if (endpoint.defaultRoute() && network.type() == NetworkType.INTERNAL) {
                throw new InvalidValue("default-route", "cannot be an internal network's: it leads nowhere but the host");
            }
            requireUnique(endpoint, config);
            List<Endpoint> all = new ArrayList<>(config.endpoints());
            all.add(endpoint);
            store.save(config.withEndpoints(all));
            return list(name);
        }));
    }

    /** {@code eflow set --endpoint E --ip/--prefix/--gateway} or {@code --dhcp}. */
    public EndpointList readdress(String name, String endpointName, EndpointAddress request) {
        Privileges.requireRoot();
        return networks.locked(() -> manager.withLock(name, () -> {
            InstanceConfig config = store.load(name);
            List<Endpoint> all = new ArrayList<>(config.endpoints());
            int index = indexOf(config, endpointName);
            Endpoint moved = all.get(index).withIp(address(networks.get(all.get(index).network()), request.ip(), request.prefix(),
                    request.gateway(), request.dhcp()));
            all.set(index, moved);
            requireUnique(moved, config);
            store.save(config.withEndpoints(all));
            return list(name);
        }));
    }

    public EndpointList remove(String name, String endpointName) {
        Privileges.requireRoot();
        return manager.withLock(name, () -> {
            InstanceConfig config = store.load(name);
            int index = indexOf(config, endpointName);
            List<String> rules = config.security().firewallRules().stream().filter(r -> endpointName.equals(r.endpoint()))
                    .map(Object::toString).toList();
            if (!rules.isEmpty()) {
                throw EflowException.conflict("firewall rules name endpoint " + endpointName + " (" + String.join("; ", rules)
                        + "): remove them first with eflow firewall remove");
            }
            List<Endpoint> all = new ArrayList<>(config.endpoints());
            all.remove(index);
            store.save(config.withEndpoints(all));
            return list(name);
        });
    }

    static int indexOf(InstanceConfig config, String endpointName) {
        for (int i = 0; i < config.endpoints().size(); i++) {
            if (config.endpoints().get(i).name().equals(endpointName)) {
                return i;
            }
        }
        if (Endpoint.HOST_LINK.equals(endpointName)) {
            throw new InvalidValue("endpoint", "default is the host link: change its address with eflow set --ip/--prefix/--gateway");
        }
        throw EflowException.notFound("instance '" + config.name() + "' has no endpoint " + endpointName + "; 'eflow endpoint list'"
                + " shows them");
    }

    /** DHCP, or a static address checked against the network (on a nat network the gateway defaults to the host's address). */
    private static StaticAddress address(HostNetwork network, String ip, Integer prefix, String gateway, boolean dhcp) {
        if (dhcp) {
            if (ip != null || prefix != null || gateway != null) {
                throw new InvalidValue(List.of("dhcp", "ip"), "choose one: DHCP or a static address");
            }
            return null;
        }
        if (ip == null || prefix == null) {
            throw new InvalidValue(List.of("ip", "prefix"), "are needed for a static address (or give --dhcp)");
        }
        String via = gateway == null && network.type() == NetworkType.NAT ? network.hostAddress() : gateway;
        if (via != null && network.type() == NetworkType.INTERNAL) {
            throw new InvalidValue("gateway", "an internal network has no way out; leave the gateway out");
        }
        network.requireGuestAddress(new StaticAddress(ip, prefix, null).asStaticIp()); // the network's own check first
        return new StaticAddress(ip, prefix, via);
    }

    /** No two endpoints on one network hold the same static address or MAC. */
    private void requireUnique(Endpoint endpoint, InstanceConfig self) {
        // the guest finds each NIC by its MAC: one MAC per card of the instance
        boolean clash = self.network().mac().equals(endpoint.mac()) || self.endpoints().stream()
                .anyMatch(other -> !other.name().equals(endpoint.name()) && other.mac().equals(endpoint.mac()));
        if (clash) {
            throw EflowException.conflict("MAC " + endpoint.mac() + " is another of " + self.name() + "'s network cards'");
        }
        for (InstanceConfig config : store.all()) {
            for (Endpoint other : config.endpoints()) {
                boolean same = config.name().equals(self.name()) && other.name().equals(endpoint.name());
                if (same || !other.network().equals(endpoint.network())) {
                    continue;
                }
                if (other.mac().equals(endpoint.mac())) {
                    throw EflowException.conflict("MAC " + endpoint.mac() + " is " + config.name() + "/" + other.name() + "'s already");
                }
                if (!endpoint.dhcp() && !other.dhcp() && other.ip().address().equals(endpoint.ip().address())) {
                    throw EflowException.conflict("address " + endpoint.ip().address() + " is " + config.name() + "/" + other.name()
                            + "'s already");
                }
            }
        }
    }

    private static String mac(String text) {
        String mac = text.trim().toLowerCase(Locale.ROOT).replace('-', ':');
        if (!mac.matches("[0-9a-f]{2}(:[0-9a-f]{2}){5}") || (Integer.parseInt(mac.substring(0, 2), 16) & 1) != 0) {
            throw new InvalidValue("mac", "must be a unicast MAC like 02:15:5d:00:00:01, not '" + text + "'");
        }
        return mac;
    }

    private record LinkState(String state, List<String> addresses) {
    }

    /** Each guest interface's state and IPv4 addresses, from one `ip -o` call in the guest. */
    private Map<String, LinkState> linkStates(String name) {
        String out = access.shell(store.layout(name), "ip -o link show; echo --; ip -o -4 addr show", Duration.ofSeconds(30));
        Map<String, LinkState> states = new LinkedHashMap<>();
        String[] parts = out.split("\n--\n", 2);
        for (String line : parts[0].lines().toList()) {
            String[] words = line.trim().split("\\s+");
            if (words.length > 2) {
                String iface = words[1].replaceAll(":$", "").replaceAll("@.*", "");
                int at = List.of(words).indexOf("state");
                states.put(iface, new LinkState(at > 0 && at + 1 < words.length ? words[at + 1] : "UNKNOWN", new ArrayList<>()));
            }
        }
        if (parts.length > 1) {
            for (String line : parts[1].lines().toList()) {
                String[] words = line.trim().split("\\s+");
                if (words.length > 3 && states.containsKey(words[1])) {
                    states.get(words[1]).addresses().add(words[3]);
                }
            }
        }
        return states;
    }
}
