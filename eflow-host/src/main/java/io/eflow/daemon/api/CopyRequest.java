package io.eflow.daemon.api;

import io.eflow.platform.EflowException;
import io.eflow.platform.InvalidValue;

/**
 * {@code POST /v1/instances/{name}/copy}, Copy-EflowVmFile's fromFile/toFile/pushFile. The host side must be
 * absolute: the daemon's working directory is not the user's, so the CLI resolves it first.
 */
public record CopyRequest(String from, String to, boolean push) {

    public CopyRequest checked() {
        if (from == null || from.isBlank()) {
            throw new InvalidValue("from", "is needed for a copy");
        }
        if (to == null || to.isBlank()) {
            throw new InvalidValue("to", "is needed for a copy");
        }
        String hostSide = push ? from : to;
        if (!InvalidValue.path(push ? "from" : "to", hostSide).isAbsolute()) {
            throw new EflowException("the host path must be absolute, not '" + hostSide + "'");
        }
        return this;
    }
}
