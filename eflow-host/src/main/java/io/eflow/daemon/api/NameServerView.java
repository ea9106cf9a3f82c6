package io.eflow.daemon.api;

import java.util.List;

/**
 * {@code eflow dns show}: the guest's name servers.
 *
 * @param name    the instance
 * @param servers the servers the guest is given at each start
 * @param source  what chose them: {@code eflow dns set}, the host's resolvers or QEMU's
 * @param inGuest the servers the running guest's /etc/resolv.conf names; null when it is stopped
 */
public record NameServerView(String name, List<String> servers, String source, List<String> inGuest) {
}
