/**
 * The service side: IoT Hub's REST API over HTTPS (identities, twins, {@code applyConfigurationContent}, direct
 * methods), the emulator's endpoints for tests and tools, and the blob endpoint for IoT Edge's uploads.
 */
package io.eflow.iothub.emulator.service;
