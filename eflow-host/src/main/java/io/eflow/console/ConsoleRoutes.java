package io.eflow.console;

import io.eflow.daemon.api.ConsoleEnable;
import io.eflow.daemon.api.ConsoleUserChange;
import io.eflow.daemon.api.ConsoleUserView;
import io.eflow.daemon.api.TokenCreate;
import io.eflow.daemon.api.TokenView;
import io.eflow.platform.EflowException;
import io.eflow.platform.Json;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/**
 * The console's own calls, the same on the host's socket (the caller is root) and remotely (the caller is a console
 * user; {@link AccessRules} keeps settings to the host and users to admins). A token is its owner's business: others
 * than admins list, make and revoke only their own.
 * <pre>
 * GET    /v1/console/settings                  ConsoleStatus        (console status; host only)
 * POST   /v1/console/enable    ConsoleEnable   ConsoleStatus        (host only)
 * POST   /v1/console/disable                   ConsoleStatus        (host only)
 * GET    /v1/console/users                     [ConsoleUserView]
 * POST   /v1/console/users     ConsoleUserChange  ConsoleUserView   (user add; a made password shown once)
 * POST   /v1/console/users/{user}/password  ConsoleUserChange  ConsoleUserView  (passwd)
 * DELETE /v1/console/users/{user}              ConsoleUserView
 * GET    /v1/console/tokens                    [TokenView]
 * POST   /v1/console/tokens    TokenCreate     TokenView            (the token itself shown once)
 * DELETE /v1/console/tokens/{token}            TokenView            (by id or name)
 * </pre>
 */
final class ConsoleRoutes {
    private final Console console;

    ConsoleRoutes(Console console) {
        this.console = console;
    }

    void register(RoutesConfig routes) {
        ConsoleAccounts accounts = console.accounts();
        routes.get("/v1/console/settings", ctx -> ctx.json(console.status()));
        routes.post("/v1/console/enable", ctx -> ctx.json(console.enable(Json.readRequest(ctx.bodyAsBytes(), ConsoleEnable.class))));
        routes.post("/v1/console/disable", ctx -> ctx.json(console.disable()));
        routes.get("/v1/console/users", ctx -> ctx.json(accounts.users()));
        routes.post("/v1/console/users", ctx -> {
            ConsoleUserChange change = Json.readRequest(ctx.bodyAsBytes(), ConsoleUserChange.class);
            ctx.json(accounts.add(change.name(), ConsoleRole.parse(change.role()), change.password()));
        });
        routes.post("/v1/console/users/{user}/password", ctx -> {
            ConsoleUserChange change = Json.readRequest(ctx.bodyAsBytes(), ConsoleUserChange.class);
            ConsoleUserView changed = accounts.setPassword(ctx.pathParam("user"), change.password());
            console.endSessions(changed.name());
            ctx.json(changed);
        });
        routes.delete("/v1/console/users/{user}", ctx -> {
            ConsoleUserView removed = accounts.remove(ctx.pathParam("user"));
            console.endSessions(removed.name());
            ctx.json(removed);
        });
        routes.get("/v1/console/tokens", ctx -> ctx.json(accounts.tokens(ownerScope(ctx))));
        routes.post("/v1/console/tokens", ctx -> {
            TokenCreate request = Json.readRequest(ctx.bodyAsBytes(), TokenCreate.class);
            ctx.json(accounts.createToken(owner(ctx, request.user()), request.name(), request.expires()));
        });
        routes.delete("/v1/console/tokens/{token}", ctx -> {
            TokenView revoked = accounts.revoke(ownerScope(ctx), ctx.pathParam("token"));
            console.tokenRevoked();
            ctx.json(revoked);
        });
    }

    /** Whose tokens the caller sees: a non-admin's own; null (everyone's) for admins and root. */
    private static String ownerScope(Context ctx) {
        Caller caller = Caller.of(ctx);
        return caller == null || caller.role() == ConsoleRole.ADMIN ? null : caller.user();
    }

    /** Whose token is made: the caller's own unless an admin or root names another. */
    private static String owner(Context ctx, String asked) {
        Caller caller = Caller.of(ctx);
        if (caller == null) {
            if (asked == null) {
                throw new EflowException("give the user the token acts as (--user): on the host there is no console user to default to");
            }
            return asked;
        }
        if (asked == null || asked.equals(caller.user())) {
            return caller.user();
        }
        if (caller.role() != ConsoleRole.ADMIN) {
            throw new EflowException(403, "user " + caller.user() + " may make tokens for itself only");
        }
        return asked;
    }
}
