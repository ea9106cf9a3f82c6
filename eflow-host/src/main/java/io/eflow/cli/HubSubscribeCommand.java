package io.eflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Watches what modules send, as the hub receives it, before any route decides where it goes. */
@Command(name = "subscribe", description = "Print the messages modules send as they arrive: eflow hub subscribe tempSensor/temperatureOutput --count 5")
final class HubSubscribeCommand extends EflowCommand implements Runnable {
    @Parameters(arity = "0..1", paramLabel = "MODULE[/OUTPUT]", description = "Only this module's messages, or one output's (default: all).")
    String source;

    @Option(names = "--count", paramLabel = "N", description = "Exit after N messages.")
    Integer count;

    /** Each message as its JSON line, body in base64. */
    @Mixin
    JsonOption json;

    @Mixin
    NameOption name;

    @Override
    public void run() {
        HubAddress from = null;
        if (source != null) {
            try {
                from = HubAddress.source(source);
            } catch (IllegalArgumentException e) {
                throw usage(e.getMessage());
            }
        }
        if (count != null && count < 1) {
            throw usage("--count must be at least 1, not " + count);
        }
        int[] seen = {0};
        client().hubSubscribe(name.instance(), from == null ? null : from.module(), from == null ? null : from.endpoint(), message -> {
            context().out().println(json.json ? message.toString() : line(message));
            context().out().flush();
            seen[0]++;
            return count == null || seen[0] < count;
        });
    }

    /** {@code module/output  {properties}  body}: the body as text when it is printable UTF-8, else base64:…. */
    static String line(JsonNode message) {
        String from = message.path("module").asText();
        if (message.hasNonNull("output")) {
            from += "/" + message.get("output").asText();
        }
        JsonNode properties = message.path("properties");
        return from + "  " + (properties.isObject() ? properties.toString() : "{}") + "  " + body(message.path("body").asText(""));
    }

    static String body(String base64) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            return "base64:" + base64;
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            boolean printable = text.chars().noneMatch(c -> Character.isISOControl(c) && c != '\t' && c != '\n' && c != '\r');
            if (printable) {
                // one message, one line
                return text.replace("\r", "\\r").replace("\n", "\\n");
            }
        } catch (CharacterCodingException e) {
            // not text: shown as base64 below
        }
        return "base64:" + base64;
    }
}
