package io.eflow.cli;

import io.eflow.platform.EflowException;
import io.eflow.platform.TrustedCa;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Another host's eflowd, for {@code eflow --host https://edge-7:9443 [--token-file F] [--ca PEM] COMMAND …}: the
 * same commands, output and exit codes as on that host, over its remote API (HTTPS, an API token for a console user
 * whose role decides what runs). The options come before the command and stand for environment variables, which
 * scripts may set instead: EFLOW_HOST, EFLOW_TOKEN_FILE (or EFLOW_TOKEN), EFLOW_CA.
 */
record RemoteTarget(URI url, String token, Path ca) {
    static final Map<String, String> OPTIONS = Map.of("--host", "EFLOW_HOST", "--token-file", "EFLOW_TOKEN_FILE", "--ca", "EFLOW_CA");

    /** The leading remote options of a command line, moved into the environment; the rest is the command. */
    record Split(Map<String, String> env, String[] command) {
    }

    static Split split(Map<String, String> env, String... args) {
        Map<String, String> merged = new HashMap<>(env);
        int i = 0;
        while (i < args.length) {
            String arg = args[i];
            int equals = arg.indexOf('=');
            String option = equals > 0 ? arg.substring(0, equals) : arg;
            String variable = OPTIONS.get(option);
            if (variable == null) {
                break;
            }
            if (equals > 0) {
                merged.put(variable, arg.substring(equals + 1));
                i++;
            } else if (i + 1 < args.length) {
                merged.put(variable, args[i + 1]);
                i += 2;
            } else {
                throw new EflowException(400, option + " needs a value");
            }
        }
        return new Split(merged, Arrays.copyOfRange(args, i, args.length));
    }

    /** The remote daemon the environment names; empty: the host's own. Relative files are against {@code cwd}. */
    static Optional<RemoteTarget> from(Map<String, String> env, Path cwd) {
        String host = env.get("EFLOW_HOST");
        if (host == null || host.isBlank()) {
            return Optional.empty();
        }
        URI url;
        try {
            url = new URI(host.contains("://") ? host : "https://" + host);
        } catch (URISyntaxException e) {
            throw new EflowException(400, "--host: not a URL: " + host);
        }
        if (!"https".equals(url.getScheme()) || url.getHost() == null) {
            throw new EflowException(400, "--host: needs https://HOST[:PORT], not " + host + " (the remote API is HTTPS only)");
        }
        String token = env.get("EFLOW_TOKEN");
        String tokenFile = env.get("EFLOW_TOKEN_FILE");
        if (tokenFile != null && !tokenFile.isBlank()) {
            token = read(cwd.resolve(tokenFile), "--token-file").strip();
        }
        String ca = env.get("EFLOW_CA");
        return Optional.of(new RemoteTarget(url, token == null || token.isBlank() ? null : token,
                ca == null || ca.isBlank() ? null : cwd.resolve(ca).normalize()));
    }

    DaemonHttp http() {
        if (ca != null && !Files.isRegularFile(ca)) {
            throw new EflowException(400, "--ca: no file " + ca);
        }
        return DaemonHttp.remote(url, TrustedCa.sslContext(ca), token);
    }

    private static String read(Path file, String option) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new EflowException(400, option + ": no file " + file);
        } catch (IOException e) {
            throw new EflowException(400, option + ": cannot read " + file + ": " + e.getMessage());
        }
    }
}
