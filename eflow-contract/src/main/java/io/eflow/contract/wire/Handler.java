package io.eflow.contract.wire;

/**
 * Serves one family of requests. The guest's socket holds one per family and knows nothing else of what serves it,
 * so the edge agent and the edge hub meet here, in neither's internals.
 */
@FunctionalInterface
public interface Handler<Q extends Request<?>> {
    /**
     * The request's reply; a streamed request sends its data to {@code stream} first. Anything thrown becomes a
     * {@link Failure}: a {@link RequestException} with its kind, anything else classified by the socket.
     */
    Reply handle(Q request, ReplyStream stream) throws Exception;
}
