package io.eflow.daemon;

import io.eflow.channel.TerminalResize;
import io.eflow.console.LiveStreams;
import io.eflow.instance.InstanceManager;
import io.eflow.instance.model.InstanceName;
import io.eflow.platform.Json;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;

/**
 * {@code /v1/instances/{name}/terminal?cols=C&rows=R}: a WebSocket onto a login shell in the guest on a pty, for the
 * console's terminal (what {@code eflow connect} gives on the host). Binary frames carry keystrokes in and the
 * terminal's output out; a text frame {@code {"cols": C, "rows": R}} resizes. Closing the socket ends the shell.
 */
final class TerminalSocket {
    private static final Logger log = LoggerFactory.getLogger(TerminalSocket.class);
    private static final int MAX_TERMINALS = 4;
    private final InstanceManager manager;
    private final Semaphore slots = new Semaphore(MAX_TERMINALS);
    private final Map<String, Open> open = new ConcurrentHashMap<>();

    /** One terminal: where keystrokes go, and how to resize it once the shell is there. */
    private static final class Open {
        final Keystrokes keys = new Keystrokes();
        volatile LiveStreams.Watch watch;
        volatile TerminalResize resize;
        volatile boolean closed;
    }

    /**
     * Keystrokes from whichever thread the WebSocket's messages arrive on, read by the shell's channel. Not a pipe:
     * a PipedInputStream fails once the thread that last wrote has ended, and Jetty's threads come and go.
     */
    static final class Keystrokes extends InputStream {
        private static final byte[] END = new byte[0];
        private final BlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>(1024);
        private byte[] current = new byte[0];
        private int position;
        private boolean ended;

        void offer(byte[] chunk) throws IOException {
            try {
                chunks.put(chunk);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }

        void end() {
            chunks.offer(END);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            while (position == current.length) {
                if (ended) {
                    return -1;
                }
                try {
                    current = chunks.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
                position = 0;
                ended = current == END;
            }
            int n = Math.min(length, current.length - position);
            System.arraycopy(current, position, buffer, offset, n);
            position += n;
            return n;
        }
    }

    record Size(int cols, int rows) {
    }

    TerminalSocket(InstanceManager manager) {
        this.manager = manager;
    }

    void configure(WsConfig ws) {
        ws.onConnect(ctx -> {
            String name;
            try {
                name = manager.resolveName(InstanceName.fromPathSegment(ctx.pathParam("name")).map(InstanceName::value).orElse(null));
            } catch (RuntimeException e) {
                ctx.closeSession(1008, ErrorMapping.oneLine(e.getMessage()));
                return;
            }
            if (!slots.tryAcquire()) {
                ctx.closeSession(1013, "too many terminals are open");
                return;
            }
            LiveStreams.Watch watch;
            try {
                // a logout, a revoked token or a removed user closes the terminal, not just the next request
                watch = LiveStreams.watch(ctx, () -> ctx.closeSession(1008, "the console session or token ended"));
            } catch (RuntimeException e) {
                slots.release();
                ctx.closeSession(1013, ErrorMapping.oneLine(e.getMessage()));
                return;
            }
            int cols = bounded(ctx.queryParam("cols"), 80);
            int rows = bounded(ctx.queryParam("rows"), 24);
            Open terminal = new Open();
            terminal.watch = watch;
            InputStream in = terminal.keys;
            open.put(ctx.sessionId(), terminal);
            Thread shell = new Thread(() -> {
                try {
                    int status = manager.terminal(name, cols, rows, in, toSocket(ctx, terminal), resize -> terminal.resize = resize);
                    ctx.closeSession(1000, "the shell exited with status " + status);
                } catch (RuntimeException e) {
                    log.info("terminal on {} ended: {}", name, e.getMessage());
                    ctx.closeSession(1011, ErrorMapping.oneLine(e.getMessage()));
                } finally {
                    watch.close();
                    slots.release();
                    open.remove(ctx.sessionId());
                }
            }, "terminal-" + name);
            shell.setDaemon(true);
            shell.start();
        });
        ws.onBinaryMessage(ctx -> {
            Open terminal = open.get(ctx.sessionId());
            if (terminal != null) {
                ByteBuffer data = ctx.data();
                byte[] bytes = new byte[data.remaining()];
                data.get(bytes);
                terminal.watch.active(); // typing counts as using the session
                terminal.keys.offer(bytes);
            }
        });
        ws.onMessage(ctx -> {
            Open terminal = open.get(ctx.sessionId());
            if (terminal != null && terminal.resize != null) {
                Size size = Json.readRequest(ctx.message().getBytes(StandardCharsets.UTF_8), Size.class);
                terminal.resize.resize(Math.max(1, Math.min(size.cols(), 1000)), Math.max(1, Math.min(size.rows(), 1000)));
            }
        });
        ws.onClose(ctx -> {
            Open terminal = open.remove(ctx.sessionId());
            if (terminal != null) {
                terminal.closed = true;
                terminal.keys.end(); // the shell reads its end of input and exits
            }
        });
    }

    private static int bounded(String value, int fallback) {
        try {
            return value == null ? fallback : Math.max(1, Math.min(Integer.parseInt(value), 1000));
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** The terminal's output, as binary frames in the order it came. */
    private static OutputStream toSocket(WsContext ctx, Open terminal) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[]{(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                if (terminal.closed) {
                    throw new IOException("the browser closed the terminal");
                }
                ctx.send(ByteBuffer.wrap(Arrays.copyOfRange(bytes, offset, offset + length)));
            }
        };
    }
}
