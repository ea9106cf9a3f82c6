package io.eflow.edge.logs;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Drains one of a module's output streams into its log, a batch of whole lines per read, until the stream ends.
 * Lines longer than {@link #MAX_LINE} bytes are cut (never inside a UTF-8 character); bytes that are not UTF-8
 * become U+FFFD; a last line without a newline is kept.
 */
final class Pump implements Runnable {
    private static final System.Logger LOG = System.getLogger(Pump.class.getName());
    /** The longest line kept whole, in bytes; Docker cuts at the same length. */
    static final int MAX_LINE = 16 * 1024;
    private static final int CHUNK = 64 * 1024;

    private final ModuleLog log;
    private final String stream;
    private final InputStream in;

    Pump(ModuleLog log, String stream, InputStream in) {
        this.log = log;
        this.stream = stream;
        this.in = in;
    }

    @Override
    public void run() {
        byte[] chunk = new byte[CHUNK];
        byte[] line = new byte[MAX_LINE];
        int length = 0;
        List<String> lines = new ArrayList<>();
        try (in) {
            for (int n = in.read(chunk); n != -1; n = in.read(chunk)) {
                for (int i = 0; i < n; i++) {
                    byte b = chunk[i];
                    if (b == '\n') {
                        lines.add(decode(line, length));
                        length = 0;
                        continue;
                    }
                    if (length == MAX_LINE) {
                        int cut = cut(line, b);
                        lines.add(decode(line, cut));
                        System.arraycopy(line, cut, line, 0, length - cut);
                        length -= cut;
                    }
                    line[length++] = b;
                }
                if (!lines.isEmpty()) {
                    log.write(stream, lines);
                    lines.clear();
                }
            }
        } catch (IOException e) {
            // The stream broke (the process's pipe was closed under us): what was read is still written.
            LOG.log(Level.DEBUG, "{0} of module {1} ended: {2}", stream, log.module(), e.getMessage());
        } finally {
            if (length > 0) {
                lines.add(decode(line, length));
            }
            if (!lines.isEmpty()) {
                log.write(stream, lines);
            }
        }
    }

    private static String decode(byte[] bytes, int length) {
        // new String replaces malformed input with U+FFFD.
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }

    /**
     * Where to cut a full line buffer that {@code next} would overflow: at its end, unless that splits a UTF-8
     * character, which then starts the next piece instead.
     */
    static int cut(byte[] line, byte next) {
        if ((next & 0xC0) != 0x80) {
            return MAX_LINE; // next starts a character (or is ASCII)
        }
        int lead = MAX_LINE - 1;
        while (lead > MAX_LINE - 4 && (line[lead] & 0xC0) == 0x80) {
            lead--;
        }
        int b = line[lead] & 0xFF;
        int width = b >= 0xF0 && b < 0xF8 ? 4 : b >= 0xE0 && b < 0xF0 ? 3 : b >= 0xC0 && b < 0xE0 ? 2 : 0;
        return width > MAX_LINE - lead ? lead : MAX_LINE;
    }
}
