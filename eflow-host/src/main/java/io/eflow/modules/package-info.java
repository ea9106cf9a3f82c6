/**
 * The host's typed clients of a guest's runtime: {@link io.eflow.modules.AgentClient} (deployments, modules, logs,
 * images, checks), {@link io.eflow.modules.HubClient} (the edge hub) and {@link io.eflow.modules.CloudClient} (the
 * device's provisioning and link to IoT Hub), all over
 * {@link io.eflow.modules.RuntimeSocket}, which carries one {@link io.eflow.contract.wire.Request} per SSH command to
 * the runtime's socket and reads its {@link io.eflow.contract.wire.Reply} back.
 *
 * <p>Decisions:
 * <ul>
 *   <li>Requests and replies are the contract's records, never JSON built by hand: what the host sends is what the
 *       guest reads, checked by the compiler on both sides.</li>
 *   <li>A {@link io.eflow.contract.wire.Failure} from the guest becomes an {@link io.eflow.platform.EflowException} by
 *       its kind ({@code Failures}): not found is a 404, a conflict a 409, a refused manifest names its JSON path.
 *       "Did not answer… is the runtime up?" is left for a runtime that really sent no reply.</li>
 *   <li>What is checked on the host (names, a method's timeout, the manifest itself) is checked before anything
 *       travels, so a mistake costs no round trip to the guest.</li>
 * </ul>
 */
package io.eflow.modules;
