/**
 * The service side: IoT Hub's REST API over HTTPS (identities, twins, {@code applyConfigurationContent}, direct
 * methods), the emulator's endpoints for tests and tools, and the blob endpoint for IoT Edge's uploads. Other services
 * on the HTTPS port (DPS) mount their paths as an {@link io.eflow.iothub.emulator.service.Endpoint}.
 */
package io.eflow.iothub.emulator.service;
