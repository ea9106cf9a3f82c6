/**
 * The wire between the daemon and a guest's runtime: what the host may ask ({@link io.eflow.contract.wire.Request},
 * one record per operation) and what the guest answers ({@link io.eflow.contract.wire.Reply}), on the runtime's
 * root-only socket, which the host reaches over the instance's SSH channel.
 *
 * <p>Decisions:
 * <ul>
 *   <li>One request per connection, one JSON line each way per record ({@link io.eflow.contract.wire.Wire}). The
 *       request names its operation in {@code op}, the name it always had, so the line stays readable in a log and
 *       with {@code socat}; Jackson picks the record by it.</li>
 *   <li>{@code Request<R>} names the reply {@code R} that answers it, so a host client gets the type it asked for
 *       from the compiler, and a reply of another type is a broken guest, not a cast that fails later.</li>
 *   <li>Every request ends on exactly one reply that is not {@link io.eflow.contract.wire.Reply.Data}. A streamed
 *       request (logs, hub subscribe) sends data records and then {@link io.eflow.contract.wire.Reply.End}: the end
 *       is a record of its own kind, not whichever line happens to carry some field.</li>
 *   <li>A failure is a reply too, {@link io.eflow.contract.wire.Failure}: a kind the host turns into its own error
 *       (not found is a 404 in the REST API, a refused manifest names its JSON path) and one line for the user. The
 *       guest answers every failure so; a host that hears nothing knows the runtime really did not answer.</li>
 *   <li>A reply line names its kind in {@code reply} through a mix-in that only {@link io.eflow.contract.wire.Wire}
 *       applies: the records are also the daemon's REST answers ({@code GET …/modules} is
 *       {@link io.eflow.contract.wire.Reply.Modules#modules()}), and there the kind would be noise.</li>
 *   <li>Readers pass over fields they do not know: host and guest come from one build, but an update can leave the
 *       old runtime answering the new host for a while.</li>
 *   <li>{@link io.eflow.contract.wire.Handler} is how the guest's socket reaches what serves a family of requests:
 *       the agent and the hub meet through it, so neither imports the other.</li>
 * </ul>
 */
package io.eflow.contract.wire;
