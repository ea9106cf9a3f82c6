package io.eflow.daemon;

import io.eflow.daemon.api.DeployEvent;
import io.eflow.platform.Json;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Streams {@link DeployEvent}s as NDJSON, each line on the wire as soon as it is sent. It writes to the servlet's
 * own stream: Javalin's {@code ctx.outputStream()} wraps it for compression and its flush() does nothing.
 * A client that went away (Ctrl-C) must not abort a deploy half-way, so a failed write only stops further writes.
 */
public final class NdjsonSink {
    public static final String CONTENT_TYPE = "application/x-ndjson";
    private static final Logger log = LoggerFactory.getLogger(NdjsonSink.class);

    private final OutputStream out;
    private boolean gone;

    private NdjsonSink(OutputStream out) {
        this.out = out;
    }

    /** Commits a 200 answer of NDJSON; errors found after this travel as events. */
    public static NdjsonSink open(Context ctx) throws IOException {
        ctx.status(200).contentType(CONTENT_TYPE);
        return new NdjsonSink(ctx.res().getOutputStream());
    }

    public synchronized void send(DeployEvent event) {
        if (gone) {
            return;
        }
        try {
            out.write(Json.write(event));
            out.write('\n');
            out.flush();
        } catch (IOException | RuntimeException e) {
            gone = true;
            log.warn("the client stopped reading; the work goes on: {}", e.toString());
        }
    }
}
