package io.eflow.console;

import io.javalin.http.Context;

/**
 * Who a remote request acts as, once {@link ConsoleGate} let it in; absent on the host's socket, where the caller is
 * root.
 *
 * @param session the browser session's id; null for an API token
 * @param token   the API token's id; null for a browser session
 */
record Caller(String user, ConsoleRole role, String session, String token) {
    static final String ATTRIBUTE = "eflow.console.caller";

    void attach(Context ctx) {
        ctx.attribute(ATTRIBUTE, this);
    }

    /** The remote caller, or null on the host's socket. */
    static Caller of(Context ctx) {
        return ctx.attribute(ATTRIBUTE);
    }
}
