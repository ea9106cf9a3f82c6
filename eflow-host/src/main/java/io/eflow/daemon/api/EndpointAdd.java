package io.eflow.daemon.api;

/**
 * Add-EflowVmEndpoint: the network to join, a static address (ip and prefix, gateway optional; on a nat network the
 * gateway defaults to the host's address there) or DHCP, an optional MAC and name, and whether the endpoint's gateway
 * becomes the guest's default route.
 */
public record EndpointAdd(String endpoint, String network, String ip, Integer prefix, String gateway, boolean dhcp, String mac,
                          boolean defaultRoute) {
}
