package io.eflow.daemon.api;

/**
 * Add-EflowNetwork: a name, a type (nat, bridge or internal), and for nat or internal an optional subnet (else eflow picks
 * a free /24), for bridge the host interface or existing bridge to join.
 */
public record NetworkAdd(String name, String type, String subnet, String uplink) {
}
