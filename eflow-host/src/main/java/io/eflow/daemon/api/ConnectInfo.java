package io.eflow.daemon.api;

/**
 * What an interactive OpenSSH client needs to reach a guest, as the original's Connect-EflowVm runs ssh:
 * the host-only socket, a short-lived certificate for the login user, and the pinned host key.
 */
public record ConnectInfo(String socket, String user, String identityFile, String certificateFile, String knownHostsFile,
                          String hostAlias) {
}
