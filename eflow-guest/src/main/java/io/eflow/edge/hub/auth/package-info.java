/**
 * Who may talk to the edge hub, and how they prove it.
 *
 * <ul>
 *   <li>{@link io.eflow.edge.hub.auth.Identities}: the registry of clients, each with a random key. The edge agent
 *       keeps the device's and the modules' identities in step with each deployment
 *       ({@link io.eflow.edge.hub.auth.Identities#ensureModules}); the operator adds identities for host
 *       applications ({@link io.eflow.edge.hub.auth.Identities#addHost}). A client is configured with its
 *       {@link io.eflow.contract.iothub.ConnectionString} and signs {@link io.eflow.contract.iothub.SasToken}s with the
 *       key, as IoT Hub's SDKs do.</li>
 *   <li>{@link io.eflow.edge.hub.auth.EdgeCa}: the install's certificate authority. It issues the hub's TLS server
 *       certificate at each start, and client certificates for clients that log in with one instead of a token; its
 *       certificate is what clients trust.</li>
 *   <li>{@link io.eflow.edge.hub.auth.Authenticator}: the check the MQTT head runs on every CONNECT, on top of both:
 *       it takes the {@link io.eflow.edge.hub.auth.Credentials} a CONNECT offers and answers with the
 *       {@link io.eflow.edge.hub.auth.ClientId} they prove, or an {@link io.eflow.edge.hub.auth.AuthenticationException}
 *       the head turns into its CONNACK.</li>
 * </ul>
 *
 * <p>These types live here, not in the MQTT head, so that authentication depends on no protocol: the head imports
 * this package, never the reverse.
 *
 * A removed identity is refused at once; a rotated key retires the tokens signed with the old key and the client
 * certificates issued before the rotation. Connections already open are the hub's to drop: it learns what changed from
 * what these calls return.
 */
package io.eflow.edge.hub.auth;
