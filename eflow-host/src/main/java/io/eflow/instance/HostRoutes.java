package io.eflow.instance;

import io.eflow.platform.Exec;

import java.util.Set;
import java.util.stream.Collectors;

/** The IPv4 networks the host routes directly, so a new guest's link never shadows one of them. */
final class HostRoutes {
    private HostRoutes() {
    }

    static Set<String> subnets() {
        Exec.Result routes = Exec.of("ip", "-4", "-o", "route", "show", "scope", "link").run();
        if (!routes.ok()) {
            return Set.of();
        }
        return routes.stdout().lines()
                .map(line -> line.trim().split("\\s+")[0])
                .filter(destination -> destination.contains("/"))
                .collect(Collectors.toSet());
    }
}
