package io.eflow.contract.manifest;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A container image reference as Docker reads it: {@code [registry[:port]/]path[:tag][@digest]}. Parsing fills in
 * Docker Hub's defaults, so {@code alpine} and {@code docker.io/library/alpine:latest} are equal.
 *
 * @param registry   host[:port]; {@code docker.io} when the reference names none
 * @param repository the lowercase path, {@code library/} prefixed for Docker Hub's official images
 * @param tag        the tag; {@code latest} when the reference gives neither tag nor digest
 * @param digest     {@code sha256:<64 hex>} (or sha512) when the reference pins the content
 */
public record ImageReference(String registry, String repository, Optional<String> tag, Optional<String> digest) {
    public static final String DOCKER_HUB = "docker.io";
    private static final String FORM = "[registry[:port]/]path[:tag][@sha256:digest]";
    // The grammar of github.com/distribution/reference, which Docker and every OCI registry client follow.
    private static final Pattern HOST = Pattern.compile(
            "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\\[[0-9a-fA-F:]+])"
                    + "(?::[0-9]{1,5})?");
    private static final Pattern PATH_COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("\\w[\\w.-]{0,127}");
    private static final Pattern DIGEST = Pattern.compile("sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128}");
    private static final int MAX_NAME_LENGTH = 255;

    public ImageReference {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(tag, "tag");
        Objects.requireNonNull(digest, "digest");
    }

    /** @throws IllegalArgumentException naming what is wrong with the reference */
    public static ImageReference parse(String text) {
        if (text.contains("${")) {
            throw invalid(text, "it holds an unexpanded template variable; generate the deployment manifest from its template first");
        }
        if (text.isEmpty() || text.chars().anyMatch(Character::isWhitespace)) {
            throw invalid(text, "it is empty or holds whitespace");
        }
        String name = text;
        Optional<String> digest = Optional.empty();
        int at = name.indexOf('@');
        if (at >= 0) {
            digest = Optional.of(name.substring(at + 1));
            name = name.substring(0, at);
            if (!DIGEST.matcher(digest.get()).matches()) {
                throw invalid(text, "the digest must be sha256: and 64 lowercase hex digits");
            }
        }
        Optional<String> tag = Optional.empty();
        int colon = name.lastIndexOf(':');
        if (colon > name.lastIndexOf('/')) {
            tag = Optional.of(name.substring(colon + 1));
            name = name.substring(0, colon);
            if (!TAG.matcher(tag.get()).matches()) {
                throw invalid(text, "the tag must be 1-128 letters, digits, '_', '.' or '-', not starting with '.' or '-'");
            }
        }
        String registry = DOCKER_HUB;
        String repository = name;
        int slash = name.indexOf('/');
        if (slash >= 0 && isRegistryName(name.substring(0, slash))) {
            registry = name.substring(0, slash);
            repository = name.substring(slash + 1);
            if (!isRegistry(registry)) {
                throw invalid(text, "the registry must be host[:port] with a port from 1 to 65535");
            }
        }
        if (registry.equals("index.docker.io")) {
            registry = DOCKER_HUB;
        }
        if (registry.equals(DOCKER_HUB) && !repository.contains("/")) {
            repository = "library/" + repository;
        }
        checkRepository(text, repository);
        if (registry.length() + 1 + repository.length() > MAX_NAME_LENGTH) {
            throw invalid(text, "the name is longer than " + MAX_NAME_LENGTH + " characters");
        }
        return new ImageReference(registry, repository, tag.isEmpty() && digest.isEmpty() ? Optional.of("latest") : tag, digest);
    }

    /** A registry address: host[:port], without scheme or path ({@code myacr.azurecr.io}, {@code localhost:5000}). */
    static boolean isRegistry(String address) {
        if (!HOST.matcher(address).matches()) {
            return false;
        }
        int colon = address.lastIndexOf(':');
        if (colon < 0 || address.endsWith("]")) {
            return true;
        }
        int port = Integer.parseInt(address.substring(colon + 1));
        return port >= 1 && port <= 65535;
    }

    /** Docker's rule: the first component names a registry when it holds a '.' or ':' or is localhost. */
    private static boolean isRegistryName(String component) {
        return component.contains(".") || component.contains(":") || component.equals("localhost");
    }

    private static void checkRepository(String text, String repository) {
        for (String component : repository.split("/", -1)) {
            if (!PATH_COMPONENT.matcher(component).matches()) {
                throw invalid(text, PATH_COMPONENT.matcher(component.toLowerCase(Locale.ROOT)).matches()
                        ? "the repository path must be lowercase"
                        : "path component '" + component + "' must be lowercase letters and digits, separated by '.', '_', '__' or '-'");
            }
        }
    }

    private static IllegalArgumentException invalid(String text, String reason) {
        return new IllegalArgumentException("'" + text + "' is not an image reference (" + FORM + "): " + reason);
    }

    /** The canonical form, e.g. {@code docker.io/library/alpine:latest}: the same image always prints the same. */
    @Override
    public String toString() {
        return registry + "/" + repository + tag.map(t -> ":" + t).orElse("") + digest.map(d -> "@" + d).orElse("");
    }
}
