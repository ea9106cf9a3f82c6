package io.eflow.backend;

import io.eflow.host.HostResolvers;
import io.eflow.instance.model.Endpoint;
import io.eflow.instance.model.InstanceConfig;
import io.eflow.instance.model.NameServers;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The guest's resolver configuration at a start, or after {@code eflow dns set}: the host link's name servers (the
 * ones the user chose, else the backend's default: the host's, read afresh; on QEMU's user-mode NAT, QEMU's own
 * resolver) merged with those set for endpoints.
 *
 * <p>The merge follows route metrics, as Windows orders name servers by interface metric: servers of a
 * {@code --default-route} endpoint come first, then the host link's, then the other endpoints' in the order they were
 * added. Order matters because the C library stops at the first server that answers, NXDOMAIN included, and reads only
 * the first {@value NameServers#MAX}; the rest are listed in {@link #unused}.
 *
 * @param servers    name servers in order; empty when there is nothing to give the guest (it keeps its own file)
 * @param otherLines the host's search and options lines, with the host's servers only
 * @param source     what chose the servers, as the guest's resolv.conf and {@code eflow dns show} say it
 * @param unused     servers the merge left out, past the first {@value NameServers#MAX}
 */
public record GuestResolver(List<String> servers, List<String> otherLines, String source, List<String> unused) {

    public GuestResolver {
        servers = List.copyOf(servers);
        otherLines = List.copyOf(otherLines);
        unused = List.copyOf(unused);
    }

    public GuestResolver(List<String> servers, List<String> otherLines, String source) {
        this(servers, otherLines, source, List.of());
    }

    public static GuestResolver of(InstanceConfig config, Backend backend) {
        List<String> chosen = config.network().dns();
        GuestResolver hostLink = chosen.isEmpty() ? backend.defaultResolver(config) : new GuestResolver(chosen, List.of(), "eflow dns set");
        return hostLink.with(config.endpoints());
    }

    public static GuestResolver host() {
        HostResolvers host = HostResolvers.read();
        return new GuestResolver(host.nameServers(), host.otherLines(), "the host's resolvers");
    }

    /** These servers (the host link's) merged with the endpoints' in route-metric order. */
    GuestResolver with(List<Endpoint> endpoints) {
        LinkedHashSet<String> merged = new LinkedHashSet<>();
        List<String> sources = new ArrayList<>();
        endpoints.stream().filter(e -> e.defaultRoute() && !e.dns().isEmpty()).forEach(e -> {
            merged.addAll(e.dns());
            sources.add("eflow dns set --endpoint " + e.name());
        });
        merged.addAll(servers);
        if (!servers.isEmpty()) {
            sources.add(source);
        }
        endpoints.stream().filter(e -> !e.defaultRoute() && !e.dns().isEmpty()).forEach(e -> {
            merged.addAll(e.dns());
            sources.add("eflow dns set --endpoint " + e.name());
        });
        List<String> all = List.copyOf(merged);
        if (all.equals(servers)) {
            return this;
        }
        int kept = Math.min(all.size(), NameServers.MAX);
        return new GuestResolver(all.subList(0, kept), otherLines, String.join(", ", sources), all.subList(kept, all.size()));
    }

    public byte[] resolvConf() {
        return NameServers.resolvConf(servers, otherLines, source);
    }
}
