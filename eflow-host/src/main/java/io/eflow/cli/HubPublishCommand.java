package io.eflow.cli;

import io.eflow.daemon.api.HubPublish;
import io.eflow.platform.EflowException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A message from the host into a module's input, as if a module's output had been routed there. */
@Command(name = "publish", description = "Send a message to a module's input: eflow hub publish filter/input1 '{\"t\":21}' -p alert=1,"
        + " eflow hub publish filter/input1 --file m.bin, echo hi | eflow hub publish filter/input1 -")
final class HubPublishCommand extends EflowCommand implements Runnable {
    private static final String STDIN = "-";

    @Parameters(index = "0", paramLabel = "TARGET", description = "MODULE/INPUT, e.g. filter/input1.")
    String target;

    @Parameters(index = "1", arity = "0..1", paramLabel = "MESSAGE", description = "The body as text (UTF-8); - reads it from stdin.")
    String message;

    @Option(names = "--file", paramLabel = "FILE", description = "The body from a file, as is; - is stdin.")
    String file;

    @Option(names = {"-p", "--property"}, paramLabel = "K=V", description = "An application property; may be repeated.")
    List<String> properties = List.of();

    @Option(names = "--content-type", paramLabel = "T", description = "The body's content type, e.g. application/json.")
    String contentType;

    @Option(names = "--content-encoding", paramLabel = "E", description = "The body's encoding, e.g. utf-8 (text is utf-8 unless told).")
    String contentEncoding;

    @Mixin
    NameOption name;

    @Override
    public void run() {
        HubPublish request = request();
        client().hubPublish(name.instance(), request);
        int size = request.body() != null ? request.body().length : request.text().getBytes(StandardCharsets.UTF_8).length;
        context().out().println("Published " + size + " bytes to " + request.module() + "/" + request.input());
    }

    /** Everything checked that can be before the daemon is asked; the body read from its source. */
    HubPublish request() {
        HubAddress to;
        Map<String, String> props;
        try {
            to = HubAddress.target(target);
            props = properties(properties);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        if (message != null && file != null) {
            throw usage("give the body as MESSAGE or --file, not both");
        }
        if (message == null && file == null) {
            throw usage("publish needs a body: MESSAGE, --file FILE, or - to read stdin");
        }
        if (message != null && !message.equals(STDIN)) {
            return new HubPublish(to.module(), to.endpoint(), null, message, props, contentType, contentEncoding);
        }
        return new HubPublish(to.module(), to.endpoint(), body(file == null ? STDIN : file), null, props, contentType, contentEncoding);
    }

    private byte[] body(String source) {
        try {
            return source.equals(STDIN) ? context().in().readAllBytes() : Files.readAllBytes(Path.of(context().absolute(source)));
        } catch (IOException e) {
            throw new EflowException("cannot read " + (source.equals(STDIN) ? "stdin" : context().absolute(source)) + ": " + e.getMessage());
        }
    }

    /** K=V pairs in the order given; the value is everything after the first '=' and may be empty. */
    static Map<String, String> properties(List<String> pairs) {
        Map<String, String> properties = new LinkedHashMap<>();
        for (String pair : pairs) {
            int equals = pair.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("--property must be KEY=VALUE, not '" + pair + "'");
            }
            String key = pair.substring(0, equals);
            if (properties.put(key, pair.substring(equals + 1)) != null) {
                throw new IllegalArgumentException("--property " + key + " is given twice");
            }
        }
        return properties;
    }
}
