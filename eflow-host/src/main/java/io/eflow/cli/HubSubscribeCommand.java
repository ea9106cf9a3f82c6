package io.eflow.cli;

import io.eflow.contract.wire.ModuleMessage;
import io.eflow.platform.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

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
            context().out().println(json.json ? new String(Json.write(message), StandardCharsets.UTF_8) : line(message));
            context().out().flush();
            seen[0]++;
            return count == null || seen[0] < count;
        });
    }

    /** {@code module/output  {properties}  body}: the body as text when it is printable UTF-8, else base64:…. */
    static String line(ModuleMessage message) {
        String from = message.module();
        if (message.output() != null) {
            from += "/" + message.output();
        }
        Map<String, String> properties = message.properties() == null ? Map.of() : message.properties();
        return from + "  " + new String(Json.write(properties), StandardCharsets.UTF_8) + "  "
                + body(message.body() == null ? new byte[0] : message.body());
    }

    static String body(byte[] bytes) {
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
        return "base64:" + Base64.getEncoder().encodeToString(bytes);
    }
}
