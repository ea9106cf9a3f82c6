package io.eflow.daemon.api;

/** {@code POST /v1/console/login}: a console user's name and password. */
public record LoginRequest(String user, String password) {
}
