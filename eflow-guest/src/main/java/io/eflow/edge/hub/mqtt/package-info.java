/**
 * The edge hub's MQTT head: an MQTT 3.1.1 server ({@link io.eflow.edge.hub.mqtt.MqttServer}) that speaks IoT Hub's
 * and IoT Edge's topic conventions to modules and devices (a device also receives its cloud-to-device messages on
 * {@code devices/{d}/messages/devicebound/#}, which a module may not subscribe to), each only on its own topics, and hands what they send to
 * the hub through {@link io.eflow.edge.hub.mqtt.HubConnector}; the hub reaches each client through its
 * {@link io.eflow.edge.hub.mqtt.ConnectedClient}.
 *
 * <p>What it keeps from IoT Hub: no QoS 2 (a QoS 2 publish closes the connection, a QoS 2 subscription is granted
 * QoS 1), no retained messages (a RETAIN publish is marked {@code mqtt-retain}), no session across connections, and a
 * publish to a topic the client may not use closes its connection. A QoS 1 publish is acknowledged only when the hub
 * has the message, acknowledgements keep the publishes' order, and while the hub works on as many of one client's
 * publishes as it may, the head reads nothing more from that client.
 */
package io.eflow.edge.hub.mqtt;
