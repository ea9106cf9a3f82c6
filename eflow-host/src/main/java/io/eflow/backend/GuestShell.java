package io.eflow.backend;

/**
 * A script run in the running guest over its management channel, as the login user (sudo for root), for backends
 * that change a guest from inside (a VM's firewall). Fails with an {@code EflowException} on a non-zero exit.
 */
@FunctionalInterface
public interface GuestShell {
    /** @return the script's standard output */
    String run(String script, byte[] stdin);
}
