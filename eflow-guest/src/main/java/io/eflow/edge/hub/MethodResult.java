package io.eflow.edge.hub;

/** A module's answer to a direct method: IoT Hub's status (200 for success, by convention) and its JSON payload. */
public record MethodResult(int status, byte[] payload) {
    public MethodResult {
        payload = payload.clone();
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }
}
