/**
 * The hub between the two sides: who is connected ({@link io.eflow.iothub.emulator.hub.Connections}, with the
 * cloud-to-device queues), direct method calls in flight ({@link io.eflow.iothub.emulator.hub.MethodCalls}) and the
 * telemetry received ({@link io.eflow.iothub.emulator.hub.Telemetry}). The device protocol implements
 * {@link io.eflow.iothub.emulator.hub.DeviceLink}; the service API calls in from the other side.
 */
package io.eflow.iothub.emulator.hub;
