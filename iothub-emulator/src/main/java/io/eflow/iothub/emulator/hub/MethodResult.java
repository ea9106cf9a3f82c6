package io.eflow.iothub.emulator.hub;

/**
 * A direct method's answer as the device gave it.
 *
 * @param payload the JSON the device published (empty when it sent nothing)
 */
public record MethodResult(int status, byte[] payload) {
    public MethodResult {
        payload = payload.clone();
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }
}
