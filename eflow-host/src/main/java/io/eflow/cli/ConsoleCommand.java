package io.eflow.cli;

import io.eflow.daemon.api.ConsoleEnable;
import io.eflow.daemon.api.ConsoleStatus;
import io.eflow.daemon.api.ConsoleUserChange;
import io.eflow.daemon.api.ConsoleUserView;
import io.eflow.daemon.api.TokenCreate;
import io.eflow.daemon.api.TokenView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;

/**
 * The remote API and web console (what Windows Admin Center's EFLOW extension gives): HTTPS from eflowd when enabled,
 * console users with roles, and API tokens for scripts and {@code eflow --host}.
 */
@Command(name = "console", description = "Serve the REST API and web console over HTTPS; manage its users and API tokens.",
        subcommands = {ConsoleCommand.Enable.class, ConsoleCommand.Disable.class, ConsoleCommand.Status.class, ConsoleCommand.User.class,
                ConsoleCommand.Token.class})
final class ConsoleCommand extends CommandGroup {

    @Command(name = "enable", description = "Serve over HTTPS (loopback unless --listen says otherwise); the first time, make an admin"
            + " and print its password once.")
    static final class Enable extends EflowCommand implements Runnable {
        @Option(names = "--listen", paramLabel = "ADDR:PORT", description = "Where to listen (default: 127.0.0.1:9443; 0.0.0.0:9443 for"
                + " every IPv4 address, [::]:9443 for IPv6 too, [ADDR]:PORT for one IPv6 address).")
        String listen;
        @Option(names = "--cert", paramLabel = "PEM", description = "Your certificate chain (default: one from this install's own CA).")
        String certificate;
        @Option(names = "--key", paramLabel = "PEM", description = "The private key of --cert.")
        String key;
        @Option(names = "--session-idle", paramLabel = "DURATION", description = "End a browser session after this long idle (default: 30m).")
        String idle;
        @Option(names = "--session-max", paramLabel = "DURATION", description = "End a browser session this long after login (default: 12h).")
        String max;
        @Mixin
        JsonOption json;

        @Override
        public void run() {
            CliContext context = context();
            print(json, client().enableConsole(new ConsoleEnable(listen, certificate == null ? null : context.absolute(certificate),
                    key == null ? null : context.absolute(key), idle, max)), ConsoleCommand::text);
        }
    }

    @Command(name = "disable", description = "Stop serving HTTPS; the host's socket stays.")
    static final class Disable extends EflowCommand implements Runnable {
        @Mixin
        JsonOption json;

        @Override
        public void run() {
            print(json, client().disableConsole(), ConsoleCommand::text);
        }
    }

    @Command(name = "status", description = "Whether the console is served, where, and the certificate's fingerprint.")
    static final class Status extends EflowCommand implements Runnable {
        @Mixin
        JsonOption json;

        @Override
        public void run() {
            print(json, client().consoleStatus(), ConsoleCommand::text);
        }
    }

    @Command(name = "user", description = "Console users: viewer (reads), operator (also starts, stops, restarts, deploys manifests),"
            + " admin (everything).", subcommands = {UserAdd.class, UserList.class, UserRemove.class, UserPasswd.class})
    static final class User extends CommandGroup {
    }

    @Command(name = "add", description = "eflow console user add NAME --role viewer|operator|admin [--password-stdin]")
    static final class UserAdd extends EflowCommand implements Runnable {
        @Parameters(index = "0", paramLabel = "NAME")
        String user;
        @Option(names = "--role", required = true, paramLabel = "ROLE", description = "viewer, operator or admin.")
        String role;
        @Option(names = "--password-stdin", description = "Read the password (12 characters or more) from stdin; default: make one"
                + " and print it once.")
        boolean passwordStdin;
        @Mixin
        JsonOption json;

        @Override
        public void run() {
            print(json, client().addConsoleUser(new ConsoleUserChange(user, role, passwordStdin ? stdinLine() : null)), ConsoleCommand::text);
        }
    }

    @Command(name = "list", description = "Console users and their roles.")
    static final class UserList extends EflowCommand implements Runnable {
        @Mixin
        JsonOption json;

        @Override
        public void run() {
            print(json, client().consoleUsers(), users -> TextRenderer.table(users.stream()
                    .map(u -> new UserRow(u.name(), u.role(), u.created().toString())).toList()));
        }
    }

    @Command(name = "remove", description = "Remove a console user, its sessions and tokens: eflow console user remove NAME")
    static final class UserRemove extends EflowCommand implements Runnable {
        @Parameters(index = "0", paramLabel = "NAME")
        String user;
        @Mixin
        JsonOption json;

        @Override
        public void run() {
            print(json, client().removeConsoleUser(user), removed -> "removed console user " + removed.name());
        }
    }

    @Command(name = "passwd", description = "A new password for a console user (its browser sessions end): eflow console user passwd NAME")
    static final class UserPasswd extends EflowCommand implements Runnable {
        @Parameters(index = "0", paramLabel = "NAME")
        String user;
        @Option(names = "--password-stdin", description = "Read the password from stdin; default: make one and print it once.")
        boolean passwordStdin;
        @Mixin
        JsonOption json;

        @Override
        public void run() {
            print(json, client().setConsolePassword(user, passwordStdin ? stdinLine() : null), ConsoleCommand::text);
        }
    }

    @Command(name = "token", description = "API tokens: a script's or eflow --host's credentials, acting as a console user.",
            subcommands = {TokenCreateCommand.class, TokenList.class, TokenRevoke.class})
    static final class Token extends CommandGroup {
    }

    @Command(name = "create", description = "eflow console token create --name N [--expires 90d] [--user U]; prints the token once.")
    static final class TokenCreateCommand extends EflowCommand implements Runnable {
        @Option(names = "--name", required = true, paramLabel = "NAME", description = "What the token is for, e.g. the machine using it.")
        String name;
        @Option(names = "--expires", paramLabel = "DURATION", description = "How long it works: 90s, 30m, 12h, 90d (default: until revoked).")
        String expires;
        @Option(names = "--user", paramLabel = "USER", description = "The console user it acts as (on the host: required; remotely:"
                + " yourself unless you are an admin).")
        String user;
        @Mixin
        JsonOption json;

        @Override
        public void run() {
            print(json, client().createToken(new TokenCreate(name, user, expires)), token -> token.token() + "\n"
                    + "(token " + token.name() + " of " + token.user() + ", id " + token.id() + (token.expires() == null ? ""
                    : ", expires " + token.expires()) + "; it is shown this once)");
        }
    }

    @Command(name = "list", description = "API tokens (never the tokens themselves).")
    static final class TokenList extends EflowCommand implements Runnable {
        @Mixin
        JsonOption json;

        @Override
        public void run() {
            print(json, client().tokens(), ConsoleCommand::tokens);
        }
    }

    @Command(name = "revoke", description = "Revoke a token at once: eflow console token revoke ID|NAME")
    static final class TokenRevoke extends EflowCommand implements Runnable {
        @Parameters(index = "0", paramLabel = "ID|NAME")
        String token;
        @Mixin
        JsonOption json;

        @Override
        public void run() {
            print(json, client().revokeToken(token), revoked -> "revoked token " + revoked.name() + " (" + revoked.id() + ") of " + revoked.user());
        }
    }

    record UserRow(String name, String role, String created) {
    }

    record TokenRow(String id, String user, String name, String created, String expires) {
    }

    static String tokens(List<TokenView> tokens) {
        return tokens.isEmpty() ? "no API tokens; eflow console token create --name N makes one\n" : TextRenderer.table(tokens.stream()
                .map(t -> new TokenRow(t.id(), t.user(), t.name(), t.created().toString(), t.expires() == null ? "never" : t.expires().toString()))
                .toList());
    }

    static String text(ConsoleStatus status) {
        StringBuilder text = new StringBuilder(status.enabled() ? "console: on at " + status.url() : "console: off");
        if (status.enabled()) {
            text.append("\ncertificate SHA-256: ").append(status.fingerprint());
            if (status.caFile() != null) {
                text.append("\nremote clients trust: ").append(status.caFile()).append(" (--ca)");
            }
        }
        if (status.firstAdmin() != null) {
            text.append("\nfirst admin: ").append(status.firstAdmin()).append(", password: ").append(status.firstPassword())
                    .append(" (shown this once; eflow console user passwd admin makes another)");
        }
        return text.toString();
    }

    static String text(ConsoleUserView user) {
        return "console user " + user.name() + " (" + user.role() + ")"
                + (user.password() == null ? "" : "\npassword: " + user.password() + " (shown this once)");
    }
}
