package io.eflow.contract.manifest;

/**
 * Where a container port is published on the guest.
 *
 * @param hostIp   the guest address to listen on; empty for all
 * @param hostPort the guest port; 0 lets the runtime choose one
 */
public record PortBinding(String hostIp, int hostPort) {
}
