package io.eflow.daemon.api;

/**
 * Who a remote request acts as ({@code POST /v1/console/login}, {@code GET /v1/console/session}).
 *
 * @param csrf the token a browser session repeats in {@code X-CSRF-Token} on every state-changing call; null for API
 *             tokens, which no other site's page can send
 */
public record ConsoleSession(String user, String role, String csrf) {
}
