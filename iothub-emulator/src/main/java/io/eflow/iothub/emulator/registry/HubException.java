package io.eflow.iothub.emulator.registry;

import java.util.Map;

/**
 * A request IoT Hub refuses, with the HTTP status and the error code name it answers with (the {@code ErrorCode:} of
 * its error body and the {@code iothub-errorcode} header), so both the REST API and the MQTT twin answers can pass
 * the same verdict on.
 */
public final class HubException extends RuntimeException {
    /** IoT Hub's six-digit codes for the names ("IoT Hub API common error codes"); others get status × 1000. */
    private static final Map<String, Integer> CODES = Map.ofEntries(
            Map.entry("ArgumentInvalid", 400004), Map.entry("IotHubUnauthorizedAccess", 401002),
            Map.entry("DeviceMaximumQueueDepthExceeded", 403004), Map.entry("DeviceNotFound", 404001),
            Map.entry("ModuleNotFound", 404010), Map.entry("DeviceNotOnline", 404103),
            Map.entry("DeviceAlreadyExists", 409001), Map.entry("ModuleAlreadyExistsOnDevice", 409301),
            Map.entry("PreconditionFailed", 412002), Map.entry("RequestEntityTooLarge", 413002),
            Map.entry("ServerError", 500001), Map.entry("GatewayTimeout", 504101));

    private final int status;
    private final String errorCode;

    public HubException(int status, String errorCode, String message) {
        super(message);
        this.status = status;
        this.errorCode = errorCode;
    }

    public int status() {
        return status;
    }

    public String errorCode() {
        return errorCode;
    }

    /** The six-digit code, as in an MQTT twin answer's {@code errorCode}. */
    public int numericCode() {
        return CODES.getOrDefault(errorCode, status * 1000);
    }

    public static HubException badRequest(String message) {
        return new HubException(400, "ArgumentInvalid", message);
    }

    public static HubException deviceNotFound(String deviceId) {
        return new HubException(404, "DeviceNotFound", "The device with id '" + deviceId + "' does not exist.");
    }

    public static HubException moduleNotFound(String deviceId, String moduleId) {
        return new HubException(404, "ModuleNotFound", "The module '" + moduleId + "' does not exist on device '"
                + deviceId + "'.");
    }

    public static HubException preconditionFailed(String what) {
        return new HubException(412, "PreconditionFailed", "The etag given for " + what + " does not match its current one.");
    }

    public static HubException unauthorized(String message) {
        return new HubException(401, "IotHubUnauthorizedAccess", message);
    }
}
