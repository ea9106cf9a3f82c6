/**
 * Who is calling: SAS tokens (the shared {@link io.eflow.contract.iothub.SasToken}) for devices, modules and the
 * service policy, and X.509 thumbprints for self-signed device certificates. Independent of MQTT and HTTP: both
 * listeners ask {@link io.eflow.iothub.emulator.auth.Authenticator}.
 */
package io.eflow.iothub.emulator.auth;
