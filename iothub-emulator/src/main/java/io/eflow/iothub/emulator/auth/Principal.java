package io.eflow.iothub.emulator.auth;

/** Who a service-side request comes from. */
public sealed interface Principal {
    /** The {@code iothubowner} shared access policy: everything. */
    record Owner() implements Principal {
    }

    /**
     * An edge device signing with its own key: it may manage its own modules' identities only, as IoT Edge's identity
     * service does.
     */
    record EdgeDevice(String deviceId) implements Principal {
    }
}
