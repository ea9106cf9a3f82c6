package io.eflow.daemon;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * NDJSON written through it leaves as server-sent events, so a browser's EventSource follows the same streams the CLI
 * reads: each line becomes one event's data, a blank keep-alive line a comment (which the browser ignores but which
 * still finds a reader that left). Lines never hold a newline of their own (JSON escapes them).
 */
final class SseFraming extends FilterOutputStream {
    static final String CONTENT_TYPE = "text/event-stream";
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] COMMENT = ":\n\n".getBytes(StandardCharsets.US_ASCII);
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);

    SseFraming(OutputStream out) {
        super(out);
    }

    @Override
    public void write(int b) throws IOException {
        if (b != '\n') {
            line.write(b);
            return;
        }
        if (line.size() == 0) {
            out.write(COMMENT);
        } else {
            out.write(DATA);
            line.writeTo(out);
            out.write('\n');
            out.write('\n');
            line.reset();
        }
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        for (int i = offset; i < offset + length; i++) {
            write(bytes[i]);
        }
    }
}
