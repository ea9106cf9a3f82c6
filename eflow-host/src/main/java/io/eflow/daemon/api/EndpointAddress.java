package io.eflow.daemon.api;

/** {@code eflow set --endpoint E}: a new static address for the endpoint (gateway optional), or DHCP. */
public record EndpointAddress(String ip, Integer prefix, String gateway, boolean dhcp) {
}
