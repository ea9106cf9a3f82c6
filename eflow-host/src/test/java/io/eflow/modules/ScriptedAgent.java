package io.eflow.modules;

import com.fasterxml.jackson.databind.JsonNode;
import io.eflow.platform.Json;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * Answers for a guest's runtime, in its wire protocol: reads the request line, records it, and answers from a script
 * per op. A following answer writes its lines and then waits, as the agent does, for the host's side to end.
 */
public final class ScriptedAgent implements RuntimeSocket.GuestCommand {
    /** Writes an answer to {@code out}; {@code stdin} is what the host still sends after the request line. */
    @FunctionalInterface
    public interface Answer {
        void write(JsonNode request, InputStream stdin, OutputStream out) throws IOException;
    }

    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private final CountDownLatch hostLeft = new CountDownLatch(1);

    /** Answers {@code op} with these lines, each a JSON text. */
    public ScriptedAgent answer(String op, String... lines) {
        return answer(op, (request, stdin, out) -> {
            for (String line : lines) {
                out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            }
        });
    }

    public ScriptedAgent answer(String op, Answer answer) {
        answers.put(op, answer);
        return this;
    }

    /** Answers {@code op} with these data lines, then holds until the host's side ends, then ends the stream. */
    public ScriptedAgent follow(String op, String... lines) {
        return answer(op, (request, stdin, out) -> {
            for (String line : lines) {
                out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            while (stdin.read() >= 0) {
                // the host sends nothing more; only its end matters
            }
            hostLeft.countDown();
            out.write("{\"reply\":\"end\"}\n".getBytes(StandardCharsets.UTF_8));
        });
    }

    /** Counted down when a following answer saw the host's side end. */
    public CountDownLatch hostLeft() {
        return hostLeft;
    }

    public List<JsonNode> requests() {
        return requests;
    }

    /** The last request with this op. */
    public JsonNode request(String op) {
        for (int i = requests.size() - 1; i >= 0; i--) {
            if (requests.get(i).path("op").asText().equals(op)) {
                return requests.get(i);
            }
        }
        throw new AssertionError("the agent got no '" + op + "' request; it got " + requests);
    }

    @Override
    public int run(String name, List<String> argv, InputStream stdin, OutputStream out, Duration timeout) {
        try {
            JsonNode request = Json.MAPPER.readTree(requestLine(stdin));
            requests.add(request);
            String op = request.path("op").asText();
            Answer answer = answers.get(op);
            if (answer == null) {
                out.write(("{\"reply\":\"error\",\"kind\":\"bad-request\",\"message\":\"unknown request '" + op + "'\"}\n")
                        .getBytes(StandardCharsets.UTF_8));
            } else {
                answer.write(request, stdin, out);
            }
            out.flush();
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] requestLine(InputStream stdin) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = stdin.read(); b >= 0 && b != '\n'; b = stdin.read()) {
            line.write(b);
        }
        return line.toByteArray();
    }
}
