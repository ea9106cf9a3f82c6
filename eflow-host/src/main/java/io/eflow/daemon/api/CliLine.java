package io.eflow.daemon.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A CLI command line handed to eflowd to run ({@code POST /v1/cli}), with what the command sees of its caller: the
 * working directory, the environment and the charset its output is written in.
 *
 * <p>Written as argv and environ are: NUL-terminated UTF-8 strings (neither can hold a NUL), so the client needs no
 * JSON library to send one: a format tag, the charset, the working directory, each {@code NAME=value}, an empty
 * string, then the arguments (which may themselves be empty).
 */
public record CliLine(String charset, String cwd, Map<String, String> env, List<String> args) {
    static final String FORMAT = "eflow-cli-line/1";

    public CliLine {
        env = Map.copyOf(env);
        args = List.copyOf(args);
    }

    public byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        field(out, FORMAT);
        field(out, charset);
        field(out, cwd);
        // loops and no string concatenation: the CLI encodes this in a fresh JVM, where each lambda or concatenation
        // shape costs method handles spun at run time
        for (Map.Entry<String, String> entry : env.entrySet()) {
            out.writeBytes(entry.getKey().getBytes(StandardCharsets.UTF_8));
            out.write('=');
            field(out, entry.getValue());
        }
        field(out, "");
        for (String arg : args) {
            field(out, arg);
        }
        return out.toByteArray();
    }

    private static void field(ByteArrayOutputStream out, String value) {
        out.writeBytes(value.getBytes(StandardCharsets.UTF_8));
        out.write(0);
    }

    /** @throws IllegalArgumentException for anything but a line {@link #encode()} wrote */
    public static CliLine decode(byte[] bytes) {
        List<String> fields = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                fields.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (start != bytes.length || fields.size() < 4 || !fields.get(0).equals(FORMAT)) {
            throw new IllegalArgumentException("not an " + FORMAT + " command line");
        }
        Map<String, String> env = new LinkedHashMap<>();
        int i = 3;
        for (; i < fields.size() && !fields.get(i).isEmpty(); i++) {
            int equals = fields.get(i).indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("not an environment entry: " + fields.get(i));
            }
            env.put(fields.get(i).substring(0, equals), fields.get(i).substring(equals + 1));
        }
        if (i == fields.size()) {
            throw new IllegalArgumentException("the command line has no end to its environment");
        }
        return new CliLine(fields.get(1), fields.get(2), env, fields.subList(i + 1, fields.size()));
    }

    /**
     * What the command did: its exit code and the bytes it wrote to stdout and stderr. Written as one ASCII line
     * {@code EXIT OUT-LENGTH ERR-LENGTH} and then the bytes of both.
     */
    public record Answer(int exitCode, byte[] out, byte[] err) {
        public byte[] encode() {
            byte[] head = (exitCode + " " + out.length + " " + err.length + "\n").getBytes(StandardCharsets.US_ASCII);
            byte[] all = new byte[head.length + out.length + err.length];
            System.arraycopy(head, 0, all, 0, head.length);
            System.arraycopy(out, 0, all, head.length, out.length);
            System.arraycopy(err, 0, all, head.length + out.length, err.length);
            return all;
        }

        public static Answer read(InputStream in) throws IOException {
            StringBuilder head = new StringBuilder();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b == -1 || head.length() > 64) {
                    throw new IOException("the daemon's answer to a command line is cut short");
                }
                head.append((char) b);
            }
            String[] parts = head.toString().split(" ");
            try {
                int exitCode = Integer.parseInt(parts[0]);
                byte[] out = in.readNBytes(Integer.parseInt(parts[1]));
                byte[] err = in.readNBytes(Integer.parseInt(parts[2]));
                if (out.length != Integer.parseInt(parts[1]) || err.length != Integer.parseInt(parts[2])) {
                    throw new IOException("the daemon's answer to a command line is cut short");
                }
                return new Answer(exitCode, out, err);
            } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                throw new IOException("not an answer to a command line: " + head, e);
            }
        }
    }
}
