/**
 * The edge hub: how messages move between modules, leaf devices and IoT Hub.
 *
 * <p>{@link io.eflow.edge.hub.message.HubMessage} is the message every part of the hub handles; the routes of
 * {@code $edgeHub} decide where each one goes ({@link io.eflow.edge.hub.route}).
 */
package io.eflow.edge.hub;
