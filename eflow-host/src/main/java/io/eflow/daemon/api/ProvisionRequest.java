package io.eflow.daemon.api;

/**
 * {@code eflow provision}: Provision-EflowVm's type, the device's connection string and, optionally, the PEM
 * certificates the device trusts beyond the public CAs (the CLI reads the file and sends its content).
 */
public record ProvisionRequest(String type, String connectionString, String trustBundle) {
    /** The connection string holds the device's key: keep it out of anything printed or logged. */
    @Override
    public String toString() {
        return "ProvisionRequest[type=" + type + ", connectionString=(hidden), trustBundle="
                + (trustBundle == null ? "none" : trustBundle.length() + " chars") + "]";
    }
}
