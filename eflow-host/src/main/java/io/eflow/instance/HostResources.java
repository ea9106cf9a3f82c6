package io.eflow.instance;

import io.eflow.backend.GuestResolver;
import io.eflow.contract.proxy.ProxySettings;
import io.eflow.daemon.api.NameServerView;
import io.eflow.daemon.api.ProxyChange;
import io.eflow.daemon.api.ProxyView;
import io.eflow.daemon.api.SerialPortChange;
import io.eflow.daemon.api.SerialPortList;
import io.eflow.daemon.api.ShareChange;
import io.eflow.daemon.api.ShareList;
import io.eflow.instance.model.BackendKind;
import io.eflow.instance.model.Endpoint;
import io.eflow.instance.model.InstanceConfig;
import io.eflow.instance.model.NameServers;
import io.eflow.instance.model.PowerState;
import io.eflow.instance.model.SerialPort;
import io.eflow.instance.model.SharedFolder;
import io.eflow.platform.EflowException;
import io.eflow.platform.InvalidValue;
import io.eflow.platform.Privileges;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * What the host lends a guest after deploy: shared folders and serial ports (stored, in force from the next start), and
 * name servers and the proxy (also written into a running guest at once). Each change is checked whole and stored under the
 * instance's lock, or refused with nothing stored.
 */
public final class HostResources {
    private final InstanceManager manager;
    private final InstanceStore store;
    private final GuestAccess access;

    HostResources(InstanceManager manager, InstanceStore store, GuestAccess access) {
        this.manager = manager;
        this.store = store;
        this.access = access;
    }

    /** Get-EflowVmSharedFolder. */
    public ShareList shares(String name) {
        InstanceConfig config = store.load(name);
        String transport = config.backend() == BackendKind.QEMU
                ? "virtio-9p (virtiofs needs virtiofsd, which this host's Debian does not have)" : "bind mount";
        return new ShareList(config.name(), transport, config.shares(), manager.powerState(config) == PowerState.RUNNING);
    }

    /**
     * Add- or Remove-EflowVmSharedFolder: stored whole or not at all, in force from the next start (a running guest's
     * mounts are made by its start: the host's side of a VM's 9p devices cannot be added to a running QEMU here).
     */
    public ShareList changeShares(String name, ShareChange change) {
        Privileges.requireRoot();
        return manager.withLock(name, () -> {
            InstanceConfig config = store.load(name);
            List<SharedFolder> shares = config.shares();
            if (change.removeGuestPath() != null) {
                shares = without(shares, share -> share.guestPath().equals(change.removeGuestPath()),
                        "instance '" + config.name() + "' has no shared folder at " + change.removeGuestPath());
            }
            ShareCheck check = new ShareCheck(manager.paths());
            for (SharedFolder share : change.add()) {
                shares = check.add(shares, share);
            }
            store.save(config.withShares(shares));
            return shares(name);
        });
    }

    /** {@code eflow device list}. */
    public SerialPortList serialPorts(String name) {
        InstanceConfig config = store.load(name);
        String transport = config.backend() == BackendKind.QEMU ? "an emulated 16550 UART (ttyS1 to ttyS3) on the host's port"
                : "the host's device node, bound in";
        return new SerialPortList(config.name(), transport, config.serialPorts(), manager.powerState(config) == PowerState.RUNNING);
    }

    /** {@code eflow device add|remove}: stored whole or not at all, in force from the next start. */
    public SerialPortList changeSerialPorts(String name, SerialPortChange change) {
        Privileges.requireRoot();
        return manager.withLock(name, () -> {
            InstanceConfig config = store.load(name);
            List<SerialPort> ports = config.serialPorts();
            if (change.removeGuestName() != null) {
                ports = without(ports, port -> port.guestName().equals(change.removeGuestName()),
                        "instance '" + config.name() + "' has no serial port " + change.removeGuestName());
            }
            if (change.serial() != null) {
                String guestName = change.guestName() == null ? SerialCheck.freeName(ports) : change.guestName();
                ports = SerialCheck.add(ports, new SerialPort(change.serial(), guestName));
            }
            store.save(config.withSerialPorts(ports));
            return serialPorts(name);
        });
    }

    /** {@code items} less those that {@code match}; none matching is a not-found error saying {@code absent}. */
    private static <T> List<T> without(List<T> items, Predicate<T> match, String absent) {
        List<T> kept = items.stream().filter(match.negate()).toList();
        if (kept.size() == items.size()) {
            throw EflowException.notFound(absent);
        }
        return kept;
    }

    /** {@code eflow proxy show}. */
    public ProxyView proxy(String name) {
        InstanceConfig config = store.load(name);
        ProxySettings inGuest = manager.powerState(config) == PowerState.RUNNING
                ? ProxySettings.parse(access.shell(store.layout(name), "cat " + ProxySettings.GUEST_FILE + " 2>/dev/null; true",
                Duration.ofSeconds(30)))
                : null;
        return new ProxyView(config.name(), config.network().proxy(), inGuest);
    }

    /**
     * Set-EflowVmProxyServers (no proxies: clear): stored, written into a running guest at once (its runtime reads the
     * file at each connection), and given again at every start. A failure to write restores the stored settings.
     */
    public ProxyView setProxy(String name, ProxyChange change) {
        Privileges.requireRoot();
        ProxySettings settings;
        try {
            settings = new ProxySettings(change.http(), change.https(), change.noProxy());
        } catch (IllegalArgumentException e) {
            throw new InvalidValue("proxy", e.getMessage());
        }
        return manager.withLock(name, () -> {
            InstanceConfig before = store.load(name);
            InstanceConfig after = before.withNetwork(before.network().withProxy(settings));
            store.save(after);
            if (manager.powerState(after) == PowerState.RUNNING) {
                try {
                    access.shell(store.layout(name), settings.isEmpty() ? "sudo -n rm -f " + ProxySettings.GUEST_FILE
                            : "sudo -n sh -c 'umask 022; cat > " + ProxySettings.GUEST_FILE + ".new && mv -f " + ProxySettings.GUEST_FILE
                            + ".new " + ProxySettings.GUEST_FILE + "'", settings.toFile().getBytes(StandardCharsets.UTF_8),
                            Duration.ofSeconds(30));
                } catch (RuntimeException e) {
                    store.save(before);
                    throw e;
                }
            }
            return proxy(name);
        });
    }

    /** {@code eflow dns show}: the servers each start gives the guest, and those a running guest uses now. */
    public NameServerView nameServers(String name) {
        InstanceConfig config = store.load(name);
        GuestResolver resolver = GuestResolver.of(config, manager.backend(config.backend()));
        List<String> inGuest = manager.powerState(config) == PowerState.RUNNING
                ? NameServers.inResolvConf(access.shell(store.layout(name), "cat /etc/resolv.conf", Duration.ofSeconds(30)))
                : null;
        Map<String, List<String>> endpoints = new LinkedHashMap<>();
        config.endpoints().stream().filter(e -> !e.dns().isEmpty()).forEach(e -> endpoints.put(e.name(), e.dns()));
        return new NameServerView(config.name(), resolver.servers(), resolver.source(), endpoints, resolver.unused(), inGuest);
    }

    /**
     * Set-EflowVmDNSServers, for the host link or an endpoint: stored, then written into a running guest at once (no
     * servers: the host link's default again, or none of the endpoint's own). Each start writes them too. A failure to
     * write them restores the stored ones.
     */
    public NameServerView setNameServers(String name, String endpoint, List<String> servers) {
        Privileges.requireRoot();
        return manager.withLock(name, () -> {
            InstanceConfig before = store.load(name);
            InstanceConfig after;
            if (endpoint == null || endpoint.isBlank() || endpoint.equals(Endpoint.HOST_LINK)) {
                after = before.withNetwork(before.network().withDns(servers));
            } else {
                List<Endpoint> endpoints = new ArrayList<>(before.endpoints());
                int index = Endpoints.indexOf(before, endpoint);
                endpoints.set(index, endpoints.get(index).withDns(servers));
                after = before.withEndpoints(endpoints);
            }
            store.save(after);
            if (manager.powerState(after) == PowerState.RUNNING) {
                try {
                    // a new file moved over the old one: a resolver never reads half of it
                    access.shell(store.layout(name), "sudo -n sh -c 'cat > /etc/.resolv.conf.eflow && mv -f /etc/.resolv.conf.eflow"
                            + " /etc/resolv.conf'", GuestResolver.of(after, manager.backend(after.backend())).resolvConf(), Duration.ofSeconds(30));
                } catch (RuntimeException e) {
                    store.save(before);
                    throw e;
                }
            }
            return nameServers(name);
        });
    }
}
