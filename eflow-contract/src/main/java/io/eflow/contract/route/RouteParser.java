package io.eflow.contract.route;

import io.eflow.contract.route.Token.Kind;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads a route's text:
 * <pre>
 * route  := [SELECT '*'] FROM source [WHERE condition] INTO sink
 * source := /* | /messages/* | /messages/modules/* | /messages/modules/{module}/*
 *         | /messages/modules/{module}/outputs/* | /messages/modules/{module}/outputs/{output} | /twinChangeNotifications
 * sink   := $upstream | BrokeredEndpoint("/modules/{module}/inputs/{input}")
 * </pre>
 * Keywords and the fixed words of sources and sinks ignore case. eflow accepts only the sources IoT Edge documents:
 * IoT Edge would take any path and match it as a prefix, so a misspelt source would silently match nothing.
 */
final class RouteParser {
    private static final String SINKS = "a sink: $upstream or BrokeredEndpoint(\"/modules/{module}/inputs/{input}\")";

    private final Tokens tokens;

    private RouteParser(String text) {
        this.tokens = new Tokens(text);
    }

    record Parsed(Source source, Optional<Condition> condition, Sink sink) {
    }

    static Parsed parse(String text) {
        return new RouteParser(text).route();
    }

    private Parsed route() {
        if (tokens.acceptWord("SELECT")) {
            tokens.expect(Kind.STAR, "'*' after SELECT");
        }
        if (!tokens.acceptWord("FROM")) {
            throw tokens.unexpected("FROM");
        }
        Source source = source();
        Optional<Condition> condition = Optional.empty();
        if (tokens.acceptWord("WHERE")) {
            int start = tokens.peek().start();
            Expr expr = new ConditionParser(tokens).condition();
            condition = Optional.of(new Condition(tokens.text().substring(start, tokens.lastEnd()), expr));
        } else if (!tokens.atWord("INTO")) {
            throw tokens.unexpected("WHERE or INTO");
        }
        if (!tokens.acceptWord("INTO")) {
            throw tokens.unexpected("INTO");
        }
        Sink sink = sink();
        if (!tokens.at(Kind.END)) {
            throw tokens.unexpected("the end of the route after the sink");
        }
        return new Parsed(source, condition, sink);
    }

    /** The path after FROM, one segment at a time, each checked against the documented sources. */
    private Source source() {
        if (!tokens.at(Kind.SLASH)) {
            throw tokens.unexpected("a source such as /messages/*");
        }
        List<Token> segments = new ArrayList<>();
        while (tokens.accept(Kind.SLASH)) {
            if (!tokens.at(Kind.STAR) && !tokens.at(Kind.NAME)) {
                throw tokens.unexpected("a name or '*' after '/'");
            }
            segments.add(tokens.take());
        }
        return new SourcePath(segments, tokens.lastEnd()).source();
    }

    private Sink sink() {
        Token token = tokens.peek();
        if (token.kind() == Kind.DOLLAR_NAME && token.value().equalsIgnoreCase("upstream")) {
            tokens.take();
            return new Sink.Upstream();
        }
        if (!token.isWord("BrokeredEndpoint")) {
            throw tokens.unexpected(SINKS);
        }
        tokens.take();
        tokens.expect(Kind.LPAREN, "'(' after BrokeredEndpoint");
        Token endpoint = tokens.expect(Kind.STRING, "the endpoint in quotes, such as \"/modules/filter/inputs/input1\"");
        tokens.expect(Kind.RPAREN, "')' after the endpoint");
        String[] parts = endpoint.value().split("/", -1);
        if (parts.length != 5 || !parts[0].isEmpty() || !parts[1].equalsIgnoreCase("modules") || parts[2].isBlank()
                || !parts[3].equalsIgnoreCase("inputs") || parts[4].isBlank()) {
            throw RouteException.syntax(endpoint.column(),
                    "a BrokeredEndpoint is \"/modules/{module}/inputs/{input}\", not " + endpoint.text());
        }
        return new Sink.ModuleInput(parts[2], parts[4]);
    }

    /** The segments of a source path and where it ends, for errors about what is missing. */
    private record SourcePath(List<Token> segments, int end) {

        Source source() {
            String first = segment(0, "messages, twinChangeNotifications or '*'");
            if (first.equals("*")) {
                return last(0, new Source.All());
            }
            if (first.equalsIgnoreCase("twinChangeNotifications")) {
                return last(0, new Source.TwinChanges());
            }
            if (!first.equalsIgnoreCase("messages")) {
                throw unexpected(0, "messages, twinChangeNotifications or '*'");
            }
            String second = segment(1, "'*' or modules after /messages/");
            if (second.equals("*")) {
                return last(1, new Source.Messages());
            }
            if (!second.equalsIgnoreCase("modules")) {
                throw unexpected(1, "'*' or modules after /messages/");
            }
            String module = segment(2, "'*' or a module id after /messages/modules/");
            if (module.equals("*")) {
                return last(2, new Source.Modules());
            }
            String third = segment(3, "'*' or outputs after the module id");
            if (third.equals("*")) {
                return last(3, new Source.Module(module));
            }
            if (!third.equalsIgnoreCase("outputs")) {
                throw unexpected(3, "'*' or outputs after the module id");
            }
            String output = segment(4, "'*' or an output name after /outputs/");
            return last(4, output.equals("*") ? new Source.ModuleOutputs(module) : new Source.ModuleOutput(module, output));
        }

        private String segment(int index, String expected) {
            if (index >= segments.size()) {
                throw RouteException.syntax(end + 1, "the source ends too early: expected " + expected);
            }
            return segments.get(index).value();
        }

        private Source last(int index, Source source) {
            if (index + 1 < segments.size()) {
                Token extra = segments.get(index + 1);
                throw RouteException.syntax(extra.column(), "the source " + source.path() + " ends before '"
                        + extra.text() + "'");
            }
            return source;
        }

        private RouteException unexpected(int index, String expected) {
            Token token = segments.get(index);
            return RouteException.syntax(token.column(), "expected " + expected + ", found '" + token.text() + "'");
        }
    }
}
