package io.eflow.instance.model;

import io.eflow.platform.InvalidValue;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;

/**
 * The guest's name servers as {@code eflow dns set} takes them (Set-EflowVmDNSServers), and the resolv.conf made
 * from them. The guest's network is IPv4 only, and its C library reads at most three servers.
 */
public final class NameServers {
    public static final int MAX = 3;

    private NameServers() {
    }

    /** The list unchanged when every server can be used; throws on the first that cannot. */
    public static List<String> check(List<String> servers) {
        if (servers.size() > MAX) {
            throw new InvalidValue("servers", "must be at most " + MAX + " (the guest's resolver reads no more), not " + servers.size());
        }
        HashSet<String> seen = new HashSet<>();
        for (String server : servers) {
            StaticIp.requireIpv4("servers", server);
            int first = StaticIp.toInt(server) >>> 24;
            if (first == 127 || first == 0 || first >= 224) {
                throw new InvalidValue("servers", "must be unicast addresses the guest can reach, not " + server
                        + (first == 127 ? " (loopback: the guest's own, where no name server runs)" : ""));
            }
            if (!seen.add(server)) {
                throw new InvalidValue("servers", "name " + server + " twice");
            }
        }
        return List.copyOf(servers);
    }

    /**
     * /etc/resolv.conf naming {@code servers} in order, then {@code otherLines} (search and options).
     *
     * @param source what chose the servers, for the file's first line
     */
    public static byte[] resolvConf(List<String> servers, List<String> otherLines, String source) {
        StringBuilder out = new StringBuilder("# written by eflow: ").append(source).append('\n');
        servers.forEach(server -> out.append("nameserver ").append(server).append('\n'));
        otherLines.forEach(line -> out.append(line).append('\n'));
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The servers a resolv.conf names, in order. */
    public static List<String> inResolvConf(String text) {
        return text.lines().map(String::trim).filter(line -> line.startsWith("nameserver "))
                .map(line -> line.substring("nameserver ".length()).trim()).toList();
    }
}
