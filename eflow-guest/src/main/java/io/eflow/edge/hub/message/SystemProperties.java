package io.eflow.edge.hub.message;

/**
 * Names of a message's system properties, spelled as IoT Hub's routing queries spell them after the '$'
 * ({@code $contentType} reads {@link #CONTENT_TYPE}), so a route condition reads them without translation.
 */
public final class SystemProperties {
    public static final String MESSAGE_ID = "messageId";
    public static final String CORRELATION_ID = "correlationId";
    public static final String CONTENT_TYPE = "contentType";
    public static final String CONTENT_ENCODING = "contentEncoding";
    public static final String CONNECTION_DEVICE_ID = "connectionDeviceId";
    public static final String CONNECTION_MODULE_ID = "connectionModuleId";
    public static final String USER_ID = "userId";
    public static final String TO = "to";
    public static final String EXPIRY_TIME_UTC = "expiryTimeUtc";
    public static final String CREATION_TIME_UTC = "creationTimeUtc";
    public static final String ENQUEUED_TIME = "enqueuedTime";
    public static final String DATA_SCHEMA = "dt-dataschema";
    public static final String SUBJECT = "dt-subject";

    private SystemProperties() {
    }
}
