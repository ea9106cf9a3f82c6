package io.eflow.edge.hub.mqtt;

/** The kinds of topics the hub pushes to a client, each subscribed with IoT Hub's topic filter for it. */
public enum Subscription {
    /** {@code devices/{d}/modules/{m}/inputs/#} */
    INPUTS,
    /** {@code $iothub/twin/PATCH/properties/desired/#} */
    DESIRED_PROPERTIES,
    /** {@code $iothub/methods/POST/#} */
    METHODS,
    /** {@code devices/{d}/messages/devicebound/#}: a device's cloud-to-device messages */
    CLOUD_TO_DEVICE
}
