/**
 * The edge hub's wiring: how messages move between modules, leaf devices and IoT Hub.
 *
 * <p>{@link io.eflow.edge.hub.HubService} starts the parts and {@link io.eflow.edge.hub.EdgeHub} joins them: the
 * MQTT head ({@link io.eflow.edge.hub.mqtt}) hands in what clients publish, the router ({@link io.eflow.edge.hub.route})
 * decides where each message goes, the store ({@link io.eflow.edge.hub.store}) keeps it until its endpoint took it,
 * and the upstream link ({@link io.eflow.edge.hub.upstream}) sends it to IoT Hub. IoT Hub's cloud-to-device messages
 * come the other way: the upstream link stores them, and the hub delivers them, like a module's input, to the client
 * connected as the device ({@link io.eflow.edge.hub.QueueDispatcher} moves every such queue). Every part handles the same
 * {@link io.eflow.edge.hub.message.HubMessage}, which lives in a package of its own below all of them, so the parts
 * import the messages and this package imports the parts, never the reverse.
 */
package io.eflow.edge.hub;
