package io.eflow.daemon.api;

import io.eflow.platform.EflowException;

import java.nio.file.Path;

/**
 * {@code POST /v1/instances/{name}/copy}, Copy-EflowVmFile's fromFile/toFile/pushFile. The host side must be
 * absolute: the daemon's working directory is not the user's, so the CLI resolves it first.
 */
public record CopyRequest(String from, String to, boolean push) {

    public CopyRequest checked() {
        if (from == null || from.isBlank()) {
            throw new EflowException("copy needs --from");
        }
        if (to == null || to.isBlank()) {
            throw new EflowException("copy needs --to");
        }
        String hostSide = push ? from : to;
        if (!Path.of(hostSide).isAbsolute()) {
            throw new EflowException("the host path must be absolute, not '" + hostSide + "'");
        }
        return this;
    }
}
