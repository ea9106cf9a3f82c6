/**
 * Who is calling: SAS tokens (the shared {@link io.eflow.contract.iothub.SasToken}, read by
 * {@link io.eflow.iothub.emulator.auth.Tokens}) for devices, modules and the service policy, and X.509 thumbprints and
 * CA chains ({@link io.eflow.iothub.emulator.auth.CaChains}) for device certificates. Independent of MQTT and HTTP:
 * both listeners ask {@link io.eflow.iothub.emulator.auth.Authenticator}; DPS reuses the token and chain checks for
 * its registrations.
 */
package io.eflow.iothub.emulator.auth;
