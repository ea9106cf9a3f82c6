/**
 * The emulator's certificate authority and the server certificates it issues: the emulator serves TLS only, as IoT
 * Hub does, so clients must trust this CA (Node: {@code NODE_EXTRA_CA_CERTS}; Python: {@code REQUESTS_CA_BUNDLE} or
 * the SDK's {@code server_verification_cert}; IoT Edge: {@code trust_bundle_cert}). Also what the HTTPS port's TLS
 * front learnt of each relayed client ({@link io.eflow.iothub.emulator.tls.RelayedClients}).
 */
package io.eflow.iothub.emulator.tls;
