package io.eflow.backend;

import io.eflow.host.HostResolvers;
import io.eflow.instance.model.InstanceConfig;
import io.eflow.instance.model.NameServers;

import java.util.List;

/**
 * The guest's resolver configuration at a start, or after {@code eflow dns set}: the name servers the user chose,
 * else the backend's default (the host's, read afresh; on QEMU's user-mode NAT, QEMU's own resolver).
 *
 * @param servers    name servers in order; empty when there is nothing to give the guest (it keeps its own file)
 * @param otherLines the host's search and options lines, with the host's servers only
 * @param source     what chose the servers, as the guest's resolv.conf and {@code eflow dns show} say it
 */
public record GuestResolver(List<String> servers, List<String> otherLines, String source) {

    public static GuestResolver of(InstanceConfig config, Backend backend) {
        List<String> chosen = config.network().dns();
        return chosen.isEmpty() ? backend.defaultResolver(config) : new GuestResolver(chosen, List.of(), "eflow dns set");
    }

    public static GuestResolver host() {
        HostResolvers host = HostResolvers.read();
        return new GuestResolver(host.nameServers(), host.otherLines(), "the host's resolvers");
    }

    public byte[] resolvConf() {
        return NameServers.resolvConf(servers, otherLines, source);
    }
}
