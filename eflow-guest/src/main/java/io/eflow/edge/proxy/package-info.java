/**
 * The instance's proxy as the guest runtime uses it: every outbound HTTP client (image pulls, DPS, the IoT Hub's
 * HTTPS) selects it per request, and MQTT over TLS to the IoT Hub is tunnelled through it with CONNECT.
 */
package io.eflow.edge.proxy;
