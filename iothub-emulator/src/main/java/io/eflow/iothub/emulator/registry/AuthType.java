package io.eflow.iothub.emulator.registry;

/** How an identity proves itself, with IoT Hub's names for it. */
public enum AuthType {
    /** SAS tokens signed with the identity's symmetric keys. */
    SAS("sas"),
    /** A client certificate whose SHA-1 or SHA-256 thumbprint is registered. */
    SELF_SIGNED("selfSigned"),
    /** A client certificate issued by a CA the hub was given; the identity is its subject's CN. */
    CERTIFICATE_AUTHORITY("certificateAuthority"),
    /** No credentials of its own (IoT Edge's modules managed by the edge device). */
    NONE("none");

    private final String wireName;

    AuthType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** @throws IllegalArgumentException naming the types IoT Hub knows */
    public static AuthType parse(String name) {
        for (AuthType type : values()) {
            if (type.wireName.equalsIgnoreCase(name)) {
                return type;
            }
        }
        throw new IllegalArgumentException("authentication type '" + name
                + "' is none of sas, selfSigned, certificateAuthority, none");
    }
}
