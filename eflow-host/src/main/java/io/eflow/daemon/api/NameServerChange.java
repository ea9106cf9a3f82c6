package io.eflow.daemon.api;

import java.util.List;

/**
 * {@code eflow dns set [--endpoint E] SERVER…} (Set-EflowVmDNSServers); no servers: the host link back to the backend's
 * default, an endpoint back to none of its own.
 *
 * @param endpoint the endpoint the servers are for; null or {@code default}: the host link
 */
public record NameServerChange(String endpoint, List<String> servers) {

    public NameServerChange {
        servers = servers == null ? List.of() : List.copyOf(servers);
    }
}
