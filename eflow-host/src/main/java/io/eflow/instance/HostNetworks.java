package io.eflow.instance;

import io.eflow.daemon.api.NetworkAdd;
import io.eflow.daemon.api.NetworkView;
import io.eflow.instance.model.Endpoint;
import io.eflow.instance.model.InstanceConfig;
import io.eflow.network.HostNetwork;
import io.eflow.network.NetworkHost;
import io.eflow.network.NetworkStore;
import io.eflow.network.NetworkType;
import io.eflow.network.Subnets;
import io.eflow.platform.EflowException;
import io.eflow.platform.EflowPaths;
import io.eflow.platform.InvalidValue;
import io.eflow.platform.Privileges;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Add-, Get- and Remove-EflowNetwork: the host's networks that guests' endpoints join. A network is brought up on the
 * host when added (and again by each start of a guest on it); one that cannot come up is taken down and forgotten
 * again. It is taken down only when no endpoint uses it.
 */
public final class HostNetworks {
    /** eflow's own subnets, when the user names none: 172.29.N.0/24, clear of the guests' host links in 172.30.0.0/16. */
    private static final String POOL_PREFIX = "172.29.";
    private final InstanceStore instances;
    private final NetworkStore store;
    private final NetworkHost host;
    private final Path home;
    private final ReentrantLock lock = new ReentrantLock();

    HostNetworks(EflowPaths paths, InstanceStore instances) {
        this.instances = instances;
        this.home = paths.home();
        this.store = new NetworkStore(paths.home().resolve("networks.json"));
        this.host = new NetworkHost(paths.run().resolve("networks"), paths.home().resolve("networks"));
    }

    public List<NetworkView> list() {
        return store.all().stream().map(this::view).toList();
    }

    public NetworkView add(NetworkAdd request) {
        Privileges.requireRoot();
        return locked(() -> {
            String name = HostNetwork.requireName(request.name());
            NetworkType type = NetworkType.parse(request.type() == null ? "" : request.type());
            List<HostNetwork> existing = store.all();
            if (existing.stream().anyMatch(n -> n.name().equals(name))) {
                throw EflowException.conflict("network " + name + " exists already");
            }
            HostNetwork network = type.eflowSubnet() ? ownSubnet(name, type, request, existing) : bridged(name, request, existing);
            // stored first, so that whatever a failed or cut-off bring-up left on the host, network remove finds and clears
            List<HostNetwork> all = new ArrayList<>(existing);
            all.add(network);
            store.save(all);
            try {
                host.up(network);
            } catch (RuntimeException e) {
                try {
                    host.down(network);
                    store.save(existing);
                } catch (RuntimeException teardown) {
                    // left stored, so that network remove finds what is left on the host
                    e.addSuppressed(teardown);
                }
                throw e;
            }
            return view(network);
        });
    }

    private HostNetwork ownSubnet(String name, NetworkType type, NetworkAdd request, List<HostNetwork> existing) {
        if (request.uplink() != null) {
            throw new InvalidValue("interface", "is for bridge networks: a " + type + " network has a bridge of its own");
        }
        List<String> taken = takenSubnets(existing);
        String subnet;
        if (request.subnet() != null) {
            subnet = Subnets.canonical("subnet", request.subnet().trim(), 16, 29);
            String clash = Subnets.overlapping(subnet, taken);
            if (clash != null) {
                throw EflowException.conflict("subnet " + subnet + " overlaps " + clash + ", which this host or a guest already uses");
            }
        } else {
            subnet = null;
            for (int n = 0; n < 256 && subnet == null; n++) {
                String candidate = POOL_PREFIX + n + ".0/24";
                subnet = Subnets.overlapping(candidate, taken) == null ? candidate : null;
            }
            if (subnet == null) {
                throw EflowException.conflict("no free subnet left in " + POOL_PREFIX + "0.0/16; give one with --subnet");
            }
        }
        return new HostNetwork(name, type, subnet, null, NetworkHost.bridgeName(home, name));
    }

    /** Every subnet a new eflow subnet must keep clear of: the host's routes, the guests' host links, the other networks. */
    private List<String> takenSubnets(List<HostNetwork> existing) {
        List<String> taken = new ArrayList<>(HostRoutes.subnets());
        instances.all().forEach(config -> taken.add(config.network().subnet()));
        existing.stream().filter(n -> n.subnet() != null).forEach(n -> taken.add(n.subnet()));
        return taken;
    }

    /**
     * A bridge network joins an existing bridge as it is, or makes a bridge and enslaves the interface to it, as an
     * External switch takes a NIC. An interface holding IPv4 addresses is refused: enslaving it would cut the host's
     * own traffic on it.
     */
    private HostNetwork bridged(String name, NetworkAdd request, List<HostNetwork> existing) {
        if (request.subnet() != null) {
            throw new InvalidValue("subnet", "is for nat and internal networks: a bridge network's addresses are the plant network's");
        }
        String uplink = request.uplink();
        if (uplink == null || uplink.isBlank()) {
            throw new InvalidValue("interface", "is needed: the host interface or bridge the network joins");
        }
        if (!uplink.matches("[A-Za-z0-9_.@-]{1,15}") || !NetworkHost.exists(uplink)) {
            throw EflowException.notFound("the host has no network interface '" + uplink + "'");
        }
        if (uplink.equals("lo")) {
            throw new InvalidValue("interface", "cannot be the loopback interface");
        }
        existing.stream().filter(n -> uplink.equals(n.uplink()) || uplink.equals(n.bridge())).findFirst().ifPresent(n -> {
            throw EflowException.conflict("interface " + uplink + " is network " + n.name() + "'s already");
        });
        if (NetworkHost.isBridge(uplink)) {
            return new HostNetwork(name, NetworkType.BRIDGE, null, uplink, uplink);
        }
        if (Files.exists(Path.of("/sys/class/net", uplink, "master"))) {
            throw EflowException.conflict("interface " + uplink + " is already part of a bridge or bond: give that instead");
        }
        if (NetworkHost.holdsAddresses(uplink)) {
            throw EflowException.conflict("interface " + uplink + " holds IPv4 addresses, which bridging it would cut off; put"
                    + " them on a bridge with it and give the bridge");
        }
        return new HostNetwork(name, NetworkType.BRIDGE, null, uplink, NetworkHost.bridgeName(home, name));
    }

    /** Remove-EflowNetwork: refused while an endpoint uses it; returns the network as it was. */
    public NetworkView remove(String name) {
        Privileges.requireRoot();
        return locked(() -> {
            HostNetwork network = store.get(HostNetwork.requireName(name));
            List<String> users = users(network);
            if (!users.isEmpty()) {
                throw EflowException.conflict("network " + name + " is in use by " + String.join(", ", users)
                        + ": remove those endpoints first (eflow endpoint remove)");
            }
            host.down(network);
            store.save(store.all().stream().filter(n -> !n.name().equals(name)).toList());
            return view(network);
        });
    }

    /** Every eflow subnet stored, up or not. */
    List<String> subnets() {
        return store.all().stream().map(HostNetwork::subnet).filter(subnet -> subnet != null).toList();
    }

    HostNetwork get(String name) {
        return store.get(name);
    }

    /** Brings up the networks a guest's endpoints join, before its start attaches them (a host reboot took them down). */
    void bringUp(InstanceConfig config) {
        config.endpoints().stream().map(Endpoint::network).distinct().map(store::get).forEach(host::up);
    }

    <T> T locked(Supplier<T> work) {
        lock.lock();
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }

    private List<String> users(HostNetwork network) {
        List<String> users = new ArrayList<>();
        for (InstanceConfig config : instances.all()) {
            config.endpoints().stream().filter(e -> e.network().equals(network.name())).forEach(e -> users.add(config.name() + "/" + e.name()));
        }
        return users;
    }

    private NetworkView view(HostNetwork network) {
        return new NetworkView(network.name(), network.type().toString(), network.subnet(), network.uplink(), network.bridge(),
                network.allocation(), users(network));
    }
}
