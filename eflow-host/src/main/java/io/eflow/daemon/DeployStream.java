package io.eflow.daemon;

import io.eflow.daemon.api.DeployEvent;
import io.eflow.daemon.api.DeployRequest;
import io.eflow.instance.InstanceManager;
import io.eflow.platform.EflowException;
import io.eflow.platform.InvalidValue;
import io.eflow.platform.Json;
import io.eflow.platform.Progress;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * {@code POST /v1/instances}: deploy takes minutes, so its progress lines stream back as NDJSON
 * ({@link DeployEvent}). Everything that can be refused is checked before the first byte, so bad input
 * still gets a plain 400/409 answer like every other endpoint.
 */
final class DeployStream {
    private static final Logger log = LoggerFactory.getLogger(DeployStream.class);

    private final InstanceManager manager;

    DeployStream(InstanceManager manager) {
        this.manager = manager;
    }

    void handle(Context ctx) throws IOException {
        DeployRequest request = Json.readRequest(ctx.bodyAsBytes(), DeployRequest.class);
        if (ctx.req().isSecure() && request.image() != null) {
            // an image folder is a path on the host, which a remote caller does not get to name (as for shares)
            throw new EflowException(403, "deploying from an image folder of the host's choosing works on the host only: run"
                    + " eflow deploy --image there, or deploy the current image");
        }
        // Bad arguments and a name in use answer with a plain error status, before any progress is streamed.
        DeployRequest.Validated valid = manager.precheck(request);
        stream(ctx, "deploy " + valid.name(), progress -> manager.deploy(request, progress));
    }

    /**
     * Streams {@code work}'s progress lines, then its result or its error, as {@link DeployEvent}s: the shape of every
     * long-running command's answer (deploy, update apply).
     */
    static void stream(Context ctx, String what, Function<Consumer<String>, Object> work)
            throws IOException {
        NdjsonSink sink = NdjsonSink.open(ctx);
        try {
            Object result = work.apply(new Progress() {
                @Override
                public void accept(String line) {
                    log.info("{}: {}", what, line);
                    sink.send(DeployEvent.progress(line));
                }

                @Override
                public void bytes(String step, long done, long total) {
                    sink.send(DeployEvent.bytes(step, done, total));
                }
            });
            log.info("{}: done", what);
            sink.send(DeployEvent.result(result));
        } catch (EflowException e) {
            log.error("{} failed: {}", what, e.getMessage(), e);
            String message = ErrorMapping.oneLine(e.getMessage());
            sink.send(e instanceof InvalidValue invalid
                    ? DeployEvent.invalid(e.status(), message, invalid.fields(), ErrorMapping.oneLine(invalid.problem()))
                    : DeployEvent.error(e.status(), message));
        } catch (RuntimeException e) {
            log.error("{} failed unexpectedly", what, e);
            sink.send(DeployEvent.error(500, ErrorMapping.internalMessage(e)));
        }
    }
}
