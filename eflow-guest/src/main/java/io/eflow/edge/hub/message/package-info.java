/**
 * The message every part of the edge hub handles: {@link io.eflow.edge.hub.message.HubMessage} (body, system and
 * application properties, where it came from), its property bag as IoT Hub's MQTT topics spell it, and its codec to
 * the bytes the store keeps. Values only, importing nothing but the JDK, so the MQTT head, the router, the store's
 * users and the upstream link all build on it without knowing each other.
 */
package io.eflow.edge.hub.message;
