/**
 * The hub's router: which routes of {@code $edgeHub} take a hub message. The grammar and the meaning of conditions
 * are the contract's ({@link io.eflow.contract.route}); this package adds what only the running hub has, the
 * messages: a route's source is matched against where a message came from, and its condition reads the message
 * through an {@link io.eflow.edge.hub.route.Evaluation} that parses the body at most once.
 */
package io.eflow.edge.hub.route;
