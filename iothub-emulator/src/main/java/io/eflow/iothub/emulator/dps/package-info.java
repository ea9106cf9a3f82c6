/**
 * A Device Provisioning Service beside the hub, on its ports: devices register with an id scope and an enrollment's
 * symmetric key (a group's derived key) or X.509 certificate, over MQTT or HTTPS, or with a TPM over HTTPS (the
 * challenge of {@link io.eflow.iothub.emulator.dps.TpmActivation}), and are assigned to this hub
 * (their identity made in the {@code registry} with the same credentials); services manage individual enrollments and
 * enrollment groups over HTTPS with the {@code provisioningserviceowner} policy.
 * {@link io.eflow.iothub.emulator.dps.ProvisioningService} is its face.
 */
package io.eflow.iothub.emulator.dps;
