package io.eflow.console;

import io.eflow.daemon.api.ConsoleSession;
import io.eflow.daemon.api.LoginRequest;
import io.eflow.platform.EflowException;
import io.eflow.platform.Json;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import io.javalin.router.Endpoint;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.Set;

/**
 * The remote API's door: every request shows a browser session (cookie) or an API token (bearer) before anything
 * else runs, a session's state-changing calls repeat its CSRF token, and the caller's role must cover the call
 * ({@link AccessRules}). Only the login call itself is open.
 */
final class ConsoleGate {
    static final String COOKIE = "eflow-session";
    static final String CSRF_HEADER = "X-CSRF-Token";
    private static final String LOGIN = "/v1/console/login";
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    private final ConsoleAccounts accounts;
    private final Sessions sessions;
    private final LoginGuard guard;
    private final ConsoleAudit audit;
    private final LiveStreams streams;

    ConsoleGate(ConsoleAccounts accounts, Sessions sessions, LoginGuard guard, ConsoleAudit audit, LiveStreams streams) {
        this.accounts = accounts;
        this.sessions = sessions;
        this.guard = guard;
        this.audit = audit;
        this.streams = streams;
    }

    void register(RoutesConfig routes) {
        routes.before(this::authenticate);
        routes.beforeMatched(this::authorize);
        routes.wsBeforeUpgrade(this::upgrade);
        routes.post(LOGIN, this::login);
        routes.post("/v1/console/logout", ctx -> {
            Caller caller = Caller.of(ctx);
            sessions.close(caller.session());
            streams.sweep(); // the session's live views and terminals end with it
            ctx.cookie(cookie("", 0));
            ctx.json(new ConsoleSession(caller.user(), caller.role().word(), null));
        });
        routes.get("/v1/console/session", ctx -> {
            Caller caller = Caller.of(ctx);
            String csrf = caller.session() == null ? null : sessions.touch(caller.session()).map(Sessions.Session::csrf).orElse(null);
            ctx.json(new ConsoleSession(caller.user(), caller.role().word(), csrf));
        });
    }

    private void authenticate(Context ctx) {
        securityHeaders(ctx);
        // the console's own files (the login page among them) are public; everything under /v1 is the API
        if (!ctx.path().startsWith("/v1/") || ctx.path().equals(LOGIN) && ctx.method().name().equals("POST")) {
            return;
        }
        String authorization = ctx.header("Authorization");
        if (authorization != null) {
            Optional<Caller> caller = authorization.startsWith("Bearer ")
                    ? accounts.tokenCaller(authorization.substring("Bearer ".length()).trim()) : Optional.empty();
            caller.orElseThrow(() -> new EflowException(401, "the API token is unknown, revoked or expired")).attach(ctx);
            streams.attach(ctx);
            return;
        }
        Sessions.Session session = sessions.touch(ctx.cookie(COOKIE))
                .orElseThrow(() -> new EflowException(401, "log in first, or send an API token (Authorization: Bearer …)"));
        // the user may have been removed since it logged in
        ConsoleUser user = accounts.find(session.user()).orElseThrow(() -> {
            sessions.close(session.id());
            return new EflowException(401, "log in first: the session's user is gone");
        });
        if (!SAFE_METHODS.contains(ctx.method().name()) && !sameSecret(session.csrf(), ctx.header(CSRF_HEADER))) {
            audit.record("refused " + ctx.method() + " " + ctx.path() + " of user " + user.name() + " from " + ctx.ip()
                    + ": no or a wrong CSRF token");
            throw new EflowException(403, "missing or wrong " + CSRF_HEADER + " header: the request did not come from the console");
        }
        new Caller(user.name(), user.role(), session.id(), null).attach(ctx);
        streams.attach(ctx);
    }

    /** A caller at work in a long-lived stream (a terminal): its browser session's idle time restarts. */
    void active(Caller caller) {
        if (caller.session() != null) {
            sessions.touch(caller.session());
        }
    }

    /** Whether {@code caller} may still hold what it was let in for: its user, role and session or token unchanged. */
    boolean stillAllowed(Caller caller) {
        boolean sameUser = accounts.find(caller.user()).map(user -> user.role() == caller.role()).orElse(false);
        return sameUser && (caller.session() != null ? sessions.alive(caller.session()) : accounts.tokenActive(caller.token()));
    }

    /**
     * A WebSocket (the terminal, a shell in the guest: admins only). Browsers send a cookie on a WebSocket handshake
     * from any site's page and no CSRF header, so a session's handshake must come from the console's own origin.
     */
    private void upgrade(Context ctx) {
        authenticate(ctx);
        Caller caller = Caller.of(ctx);
        String origin = ctx.header("Origin");
        if (caller.session() != null && (origin == null || !origin.equals("https://" + ctx.host()))) {
            audit.record("refused a WebSocket to " + ctx.path() + " of user " + caller.user() + " from origin " + origin);
            throw new EflowException(403, "a WebSocket from another origin (" + origin + ")");
        }
        if (!caller.role().allows(ConsoleRole.ADMIN)) {
            throw new EflowException(403, "user " + caller.user() + " has the " + caller.role().word() + " role; a terminal needs admin");
        }
    }

    private void authorize(Context ctx) {
        Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint();
        if (endpoint == null || (endpoint.path.equals(LOGIN))) {
            return;
        }
        Caller caller = Caller.of(ctx);
        Optional<ConsoleRole> needed = AccessRules.required(endpoint.method.name(), endpoint.path);
        if (needed.isEmpty()) {
            throw new EflowException(403, ctx.method() + " " + endpoint.path + " works on the host only (it names the host's"
                    + " own files or runs there): run it there");
        }
        if (!caller.role().allows(needed.get())) {
            throw new EflowException(403, "user " + caller.user() + " has the " + caller.role().word() + " role; this needs "
                    + needed.get().word());
        }
    }

    private void login(Context ctx) {
        LoginRequest request = Json.readRequest(ctx.bodyAsBytes(), LoginRequest.class);
        // a name no user can have is counted and audited as one, so made-up names fill neither memory nor the log
        String name = request.user() != null && request.user().matches(ConsoleUser.NAME) ? request.user() : "(not a user name)";
        guard.begin(name, ctx.ip());
        ConsoleUser user = null;
        boolean judged = false;
        try {
            user = accounts.authenticate(name, request.password()).orElse(null);
            judged = true;
        } finally {
            if (!judged) {
                guard.ended(name); // the check itself failed (even with an Error): the attempt is no longer in flight
            }
        }
        if (user == null) {
            guard.failed(name, ctx.ip());
            throw new EflowException(401, "wrong user name or password");
        }
        guard.succeeded(name);
        Sessions.Session session = sessions.open(user.name());
        audit.record("user " + user.name() + " logged in from " + ctx.ip());
        ctx.cookie(cookie(session.id(), (int) sessions.absolute().toSeconds()));
        ctx.json(new ConsoleSession(user.name(), user.role().word(), session.csrf()));
    }

    private static boolean sameSecret(String expected, String given) {
        return given != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), given.getBytes(StandardCharsets.US_ASCII));
    }

    /** Secure (HTTPS only), HttpOnly (no script reads it), SameSite=Strict (no other site's request carries it). */
    private static Cookie cookie(String value, int maxAge) {
        return new Cookie(COOKIE, value, "/", maxAge, true, true, null, SameSite.STRICT);
    }

    private static void securityHeaders(Context ctx) {
        ctx.header("Strict-Transport-Security", "max-age=31536000");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'");
        ctx.header("Cache-Control", "no-store");
    }
}
