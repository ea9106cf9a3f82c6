package io.eflow.daemon.api;

/**
 * {@code eflow provision renew}: an X.509 device's renewed certificate chain and private key, PEM (the CLI reads the
 * files and sends their content).
 */
public record RenewRequest(String identityCert, String identityKey) {
    /** The key stays out of anything printed or logged. */
    @Override
    public String toString() {
        return "RenewRequest[identityCert=" + (identityCert == null ? "none" : identityCert.length() + " chars")
                + ", identityKey=(hidden)]";
    }
}
