/**
 * The hub's state: the identity registry (devices, modules, their keys or thumbprints, status) and each identity's
 * twin, with IoT Hub's rules (ETags, twin size and depth limits, the edge device's system modules, deployments). It
 * knows no protocol: the MQTT side and the REST side both read and change it, and hear its
 * {@link io.eflow.iothub.emulator.registry.RegistryEvent}s.
 */
package io.eflow.iothub.emulator.registry;
