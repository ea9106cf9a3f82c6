package io.eflow.edge.agent;

import io.eflow.contract.manifest.ContainerPort;

/**
 * A container port that the agent forwards from the guest (HostConfig.PortBindings); not part of the OCI spec,
 * since the module's network namespace is the agent's to program.
 *
 * @param hostIp   the guest address to listen on; empty for all
 * @param hostPort the guest port; 0 lets the agent choose one
 */
public record PublishedPort(String hostIp, int hostPort, ContainerPort containerPort) {
}
