package io.eflow.daemon.api;

/**
 * {@code eflow hub upstream set}: an IoT Hub device connection string or an {@code mqtt://} / {@code mqtts://} address,
 * and the device ID to use when the address does not name one.
 */
public record UpstreamChange(String upstream, String deviceId) {
    /** The value may hold a shared access key or a password: keep it out of anything printed or logged. */
    @Override
    public String toString() {
        return "UpstreamChange[upstream=(hidden), deviceId=" + deviceId + "]";
    }
}
