package io.eflow.edge.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eflow.contract.json.Mappers;
import io.eflow.contract.manifest.RegistryCredential;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Answers registry challenges: Basic with the registry's credential, Bearer with a token fetched from the
 * challenge's realm (sending the credential there when there is one, anonymously otherwise). The resulting
 * Authorization header is kept per registry and repository, since a token's scope is one repository.
 */
final class RegistryAuth {
    private static final ObjectMapper JSON = Mappers.standard();
    private final HttpClient http;
    private final Map<String, RegistryCredential> credentials;
    private final Map<String, String> authorizations = new ConcurrentHashMap<>();

    RegistryAuth(HttpClient http, Collection<RegistryCredential> credentials) {
        this.http = http;
        this.credentials = credentials.stream()
                .collect(Collectors.toMap(RegistryCredential::address, Function.identity(), (a, b) -> a));
    }

    /** The header to send, if an earlier challenge for this repository was answered. */
    Optional<String> cached(String registry, String repository) {
        return Optional.ofNullable(authorizations.get(registry + "/" + repository));
    }

    /** Answers a 401 and remembers the answer. */
    String answer(List<String> wwwAuthenticate, String registry, String repository) {
        Challenge challenge = Challenge.first(wwwAuthenticate).orElseThrow(() -> new ImageException(
                "registry " + registry + " asks for authentication eflow does not speak: " + wwwAuthenticate));
        Optional<String> basic = credential(registry).map(c -> "Basic " + Base64.getEncoder()
                .encodeToString((c.username() + ":" + c.password()).getBytes(StandardCharsets.UTF_8)));
        String header;
        if (challenge.scheme().equals("basic")) {
            header = basic.orElseThrow(() -> new ImageException("registry " + registry
                    + " needs a login: add it to the deployment's registryCredentials"));
        } else {
            header = "Bearer " + token(challenge, basic, registry, repository);
        }
        authorizations.put(registry + "/" + repository, header);
        return header;
    }

    boolean hasCredential(String registry) {
        return credential(registry).isPresent();
    }

    private Optional<RegistryCredential> credential(String registry) {
        RegistryCredential exact = credentials.get(registry);
        // Docker Hub logins are often saved under its API host or its old index name.
        return Optional.ofNullable(exact != null ? exact : registry.equals("docker.io")
                ? credentials.getOrDefault("index.docker.io", credentials.get("registry-1.docker.io")) : null);
    }

    private String token(Challenge challenge, Optional<String> basic, String registry, String repository) {
        String realm = challenge.params().get("realm");
        if (realm == null) {
            throw new ImageException("registry " + registry + " sent a Bearer challenge without a realm");
        }
        String query = "scope=" + encode(challenge.params().getOrDefault("scope", "repository:" + repository + ":pull"))
                + Optional.ofNullable(challenge.params().get("service")).map(s -> "&service=" + encode(s)).orElse("");
        URI uri = URI.create(realm + (realm.contains("?") ? "&" : "?") + query);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET();
        basic.ifPresent(b -> request.header("Authorization", b));
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new ImageException("cannot reach the token service " + realm + " of registry " + registry + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ImageException("interrupted while fetching a token from " + realm, e);
        }
        if (response.statusCode() == 401 || response.statusCode() == 403) {
            throw new ImageException("registry " + registry + " refused the login for " + repository
                    + " (HTTP " + response.statusCode() + " from " + realm + "): check the user name and password in registryCredentials");
        }
        if (response.statusCode() != 200) {
            throw new ImageException("token service " + realm + " answered HTTP " + response.statusCode());
        }
        try {
            JsonNode body = JSON.readTree(response.body());
            String token = body.path("token").asText(body.path("access_token").asText(""));
            if (token.isEmpty()) {
                throw new ImageException("token service " + realm + " sent no token");
            }
            return token;
        } catch (IOException e) {
            throw new ImageException("token service " + realm + " sent something that is not JSON", e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
