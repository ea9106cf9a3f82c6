package io.eflow.console;

import com.fasterxml.jackson.core.type.TypeReference;
import io.eflow.daemon.api.ConsoleUserView;
import io.eflow.daemon.api.TokenView;
import io.eflow.platform.EflowException;
import io.eflow.platform.FileTrees;
import io.eflow.platform.InvalidValue;
import io.eflow.platform.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The console's users and API tokens, one root-only JSON file written whole. Every change is written before it is
 * answered, so a revoked token or removed user is refused from the next request on, also after a daemon restart.
 */
public final class ConsoleAccounts {
    static final int MIN_PASSWORD = 12;
    private static final String TOKEN_PREFIX = "eflow_";
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Checked against when the user is unknown, so a wrong name costs what a wrong password does. */
    private static final String DECOY = PasswordHash.hash("decoy password, never anyone's");

    private final Path file;
    private final Clock clock;
    private final ConsoleAudit audit;
    private final List<ConsoleUser> users = new ArrayList<>();
    private final List<ApiToken> tokens = new ArrayList<>();

    record Stored(List<ConsoleUser> users, List<ApiToken> tokens) {
    }

    public ConsoleAccounts(Path file, Clock clock, ConsoleAudit audit) {
        this.file = file;
        this.clock = clock;
        this.audit = audit;
        if (Files.isRegularFile(file)) {
            try {
                Stored stored = Json.mapper().readValue(file.toFile(), new TypeReference<Stored>() {
                });
                users.addAll(stored.users() == null ? List.of() : stored.users());
                tokens.addAll(stored.tokens() == null ? List.of() : stored.tokens());
            } catch (IOException e) {
                throw EflowException.failure("cannot read " + file + ": " + e.getMessage(), e);
            }
        }
    }

    public synchronized boolean hasAdmin() {
        return users.stream().anyMatch(user -> user.role() == ConsoleRole.ADMIN);
    }

    public synchronized List<ConsoleUserView> users() {
        return users.stream().map(user -> view(user, null)).toList();
    }

    /** Adds a user; with no password given, makes one and returns it in the view, once. */
    public synchronized ConsoleUserView add(String name, ConsoleRole role, String password) {
        ConsoleUser.requireName(name);
        if (find(name).isPresent()) {
            throw EflowException.conflict("console user '" + name + "' exists already");
        }
        String given = password == null ? newPassword() : requirePassword(password);
        ConsoleUser user = new ConsoleUser(name, role, PasswordHash.hash(given), clock.instant());
        users.add(user);
        save();
        audit.record("user " + name + " added as " + role.word());
        return view(user, password == null ? given : null);
    }

    public synchronized ConsoleUserView setPassword(String name, String password) {
        ConsoleUser user = get(name);
        String given = password == null ? newPassword() : requirePassword(password);
        users.set(users.indexOf(user), user.withPasswordHash(PasswordHash.hash(given)));
        save();
        audit.record("password of user " + name + " changed");
        return view(user, password == null ? given : null);
    }

    /** Removes a user and its tokens; the last admin stays, or nobody could manage the console any more. */
    public synchronized ConsoleUserView remove(String name) {
        ConsoleUser user = get(name);
        if (user.role() == ConsoleRole.ADMIN && users.stream().filter(u -> u.role() == ConsoleRole.ADMIN).count() == 1) {
            throw EflowException.conflict("'" + name + "' is the console's last admin: add another admin first");
        }
        users.remove(user);
        tokens.removeIf(token -> token.user().equals(name));
        save();
        audit.record("user " + name + " removed, with its tokens");
        return view(user, null);
    }

    /**
     * The user whose password this is; empty for a wrong name or password (both take as long). The hash is checked
     * outside the lock: Argon2 is deliberately slow, and every request's token or session check takes the lock.
     */
    Optional<ConsoleUser> authenticate(String name, String password) {
        Optional<ConsoleUser> user = find(name);
        boolean matches = PasswordHash.matches(password == null ? "" : password, user.map(ConsoleUser::passwordHash).orElse(DECOY));
        return matches ? user : Optional.empty();
    }

    public synchronized TokenView createToken(String user, String name, String expires) {
        get(user);
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")) {
            throw new InvalidValue("name", "must be 1-64 letters, digits, '_', '.' or '-', not '" + name + "'");
        }
        if (tokens.stream().anyMatch(token -> token.user().equals(user) && token.name().equals(name))) {
            throw EflowException.conflict("user " + user + " has a token named " + name + " already");
        }
        Instant now = clock.instant();
        Duration lifetime = expires == null ? null : DurationWord.parse("expires", expires);
        String id = randomText(9);
        String secret = randomText(32);
        ApiToken token = new ApiToken(id, user, name, sha256(secret), now, lifetime == null ? null : now.plus(lifetime));
        tokens.add(token);
        save();
        audit.record("token " + name + " (" + id + ") of user " + user + " created" + (token.expires() == null ? "" : ", expires " + token.expires()));
        return view(token, TOKEN_PREFIX + id + "." + secret);
    }

    /** Tokens of {@code user}, or everyone's for null. */
    public synchronized List<TokenView> tokens(String user) {
        return tokens.stream().filter(token -> user == null || token.user().equals(user)).map(token -> view(token, null)).toList();
    }

    /** Revokes a token by id, or by name among {@code user}'s (null: anyone's). */
    public synchronized TokenView revoke(String user, String idOrName) {
        ApiToken token = tokens.stream().filter(t -> user == null || t.user().equals(user))
                .filter(t -> t.id().equals(idOrName) || t.name().equals(idOrName)).findFirst()
                .orElseThrow(() -> EflowException.notFound("no token '" + idOrName + "'" + (user == null ? "" : " of user " + user)));
        tokens.remove(token);
        save();
        audit.record("token " + token.name() + " (" + token.id() + ") of user " + token.user() + " revoked");
        return view(token, null);
    }

    /** Who a bearer token acts as: empty when it is malformed, unknown, revoked or expired. */
    synchronized Optional<Caller> tokenCaller(String bearer) {
        if (bearer == null || !bearer.startsWith(TOKEN_PREFIX) || bearer.indexOf('.') < 0) {
            return Optional.empty();
        }
        String id = bearer.substring(TOKEN_PREFIX.length(), bearer.indexOf('.'));
        byte[] presented = sha256(bearer.substring(bearer.indexOf('.') + 1)).getBytes(StandardCharsets.US_ASCII);
        Instant now = clock.instant();
        return tokens.stream().filter(token -> token.id().equals(id) && !token.expired(now))
                .filter(token -> MessageDigest.isEqual(token.secretHash().getBytes(StandardCharsets.US_ASCII), presented))
                .findFirst().flatMap(token -> find(token.user()).map(user -> new Caller(user.name(), user.role(), null, token.id())));
    }

    /** Whether the token with this id still works: neither revoked nor expired. */
    synchronized boolean tokenActive(String id) {
        Instant now = clock.instant();
        return tokens.stream().anyMatch(token -> token.id().equals(id) && !token.expired(now));
    }

    synchronized Optional<ConsoleUser> find(String name) {
        return users.stream().filter(user -> user.name().equals(name)).findFirst();
    }

    private ConsoleUser get(String name) {
        return find(name).orElseThrow(() -> EflowException.notFound("no console user '" + name + "'; 'eflow console user list' shows them"));
    }

    private void save() {
        try {
            FileTrees.writeDurably(file, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(new Stored(users, tokens)), "rw-------");
        } catch (IOException e) {
            throw EflowException.failure("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static String requirePassword(String password) {
        if (password.length() < MIN_PASSWORD) {
            throw new InvalidValue("password", "must be at least " + MIN_PASSWORD + " characters");
        }
        return password;
    }

    /** 20 characters from 31 without look-alikes (no 0/o, 1/l/i): 99 bits, and easy to type from a screen. */
    static String newPassword() {
        String alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            out.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return out.toString();
    }

    private static String randomText(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ConsoleUserView view(ConsoleUser user, String password) {
        return new ConsoleUserView(user.name(), user.role().word(), user.created(), password);
    }

    private static TokenView view(ApiToken token, String whole) {
        return new TokenView(token.id(), token.user(), token.name(), token.created(), token.expires(), whole);
    }
}
