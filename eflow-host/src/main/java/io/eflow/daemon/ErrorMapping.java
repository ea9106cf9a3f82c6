package io.eflow.daemon;

import io.eflow.daemon.api.ErrorBody;
import io.eflow.platform.EflowException;
import io.eflow.platform.InvalidValue;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every failure leaves the daemon as a status and {@code {"error": "<one line>"}}; stack traces stay in the log. */
final class ErrorMapping {
    private static final Logger log = LoggerFactory.getLogger(ErrorMapping.class);

    private ErrorMapping() {
    }

    static void register(RoutesConfig routes) {
        routes.exception(EflowException.class, ErrorMapping::eflow);
        // Javalin's own: unknown endpoint, wrong method, unreadable request
        routes.exception(HttpResponseException.class, (e, ctx) -> respond(ctx, e.getStatus(), e.getMessage()));
        routes.exception(Exception.class, ErrorMapping::unexpected);
    }

    private static void eflow(EflowException e, Context ctx) {
        if (e.status() >= 500) {
            log.error("{} {} failed: {}", ctx.method(), ctx.path(), e.getMessage(), e);
        } else {
            log.info("{} {} refused ({}): {}", ctx.method(), ctx.path(), e.status(), e.getMessage());
        }
        if (e instanceof InvalidValue invalid) {
            ctx.status(e.status()).json(new ErrorBody(oneLine(e.getMessage()), invalid.fields(), oneLine(invalid.problem())));
        } else {
            respond(ctx, e.status(), e.getMessage());
        }
    }

    private static void unexpected(Exception e, Context ctx) {
        log.error("{} {} failed unexpectedly", ctx.method(), ctx.path(), e);
        respond(ctx, 500, internalMessage(e));
    }

    static String internalMessage(Throwable e) {
        return "eflowd failed: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                + " (the stack trace is in eflowd.log)";
    }

    static void respond(Context ctx, int status, String message) {
        ctx.status(status).json(new ErrorBody(oneLine(message)));
    }

    static String oneLine(String message) {
        if (message == null || message.isBlank()) {
            return "unknown error";
        }
        return message.strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }
}
