package io.eflow.daemon.api;

import java.util.List;

/**
 * Get-EflowVmEndpoint: the host link first, then the endpoints in the guest's interface order.
 *
 * @param appliesAtNextStart whether changes wait for the next start (they do while the guest runs)
 */
public record EndpointList(String name, List<EndpointView> endpoints, boolean appliesAtNextStart) {

    /**
     * @param configuration what the endpoint is configured with: {@code dhcp}, or ADDRESS/PREFIX [via GATEWAY]
     * @param metric        its default route's metric (the lowest wins)
     * @param state         the link's state in a running guest (UP, DOWN), null when stopped
     * @param addresses     the addresses it holds in a running guest, null when stopped
     */
    public record EndpointView(String name, String network, String guestInterface, String mac, String configuration, int metric,
                               String state, List<String> addresses) {
    }
}
