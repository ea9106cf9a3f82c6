package io.eflow.daemon.api;

import java.util.List;

/** {@code eflow dns set SERVER…} (Set-EflowVmDNSServers); no servers: back to the backend's default. */
public record NameServerChange(List<String> servers) {

    public NameServerChange {
        servers = servers == null ? List.of() : List.copyOf(servers);
    }
}
