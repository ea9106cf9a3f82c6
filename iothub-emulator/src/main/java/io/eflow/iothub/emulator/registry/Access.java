package io.eflow.iothub.emulator.registry;

/**
 * What the authenticator needs to know of an identity, read in one go under the registry's lock.
 *
 * @param enabled false when the device (for a module: its device) is disabled
 * @param edgeDevice whether the device (for a module: its device) is an IoT Edge device
 */
public record Access(IdentityRef ref, boolean enabled, boolean edgeDevice, Credentials credentials) {
}
