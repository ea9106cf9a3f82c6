package io.eflow.daemon.api;

import java.util.List;
import java.util.Map;

/**
 * {@code eflow dns show}: the guest's name servers.
 *
 * @param name      the instance
 * @param servers   the servers the guest is given at each start, merged in route-metric order
 * @param source    what chose them: {@code eflow dns set} (for the host link or endpoints), the host's resolvers or QEMU's
 * @param endpoints the servers set for each endpoint that has its own, by endpoint name
 * @param unused    servers left out of the guest's list: its resolver reads only the first three
 * @param inGuest   the servers the running guest's /etc/resolv.conf names; null when it is stopped
 */
public record NameServerView(String name, List<String> servers, String source, Map<String, List<String>> endpoints,
                             List<String> unused, List<String> inGuest) {
}
