package io.eflow.edge.image;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A registry's {@code WWW-Authenticate} answer, e.g.
 * {@code Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"}.
 *
 * @param scheme lowercase: {@code bearer} or {@code basic}
 */
record Challenge(String scheme, Map<String, String> params) {
    private static final Pattern SCHEME = Pattern.compile("\\s*(\\w+)\\s*(.*)", Pattern.DOTALL);
    private static final Pattern PARAM = Pattern.compile("(\\w+)\\s*=\\s*(?:\"([^\"]*)\"|([^,\\s]*))");

    /** The first Bearer or Basic challenge among the headers. */
    static Optional<Challenge> first(List<String> headers) {
        return headers.stream().map(Challenge::parse)
                .filter(c -> c.scheme.equals("bearer") || c.scheme.equals("basic"))
                .findFirst();
    }

    static Challenge parse(String header) {
        Matcher scheme = SCHEME.matcher(header);
        if (!scheme.matches()) {
            return new Challenge("", Map.of());
        }
        Map<String, String> params = new TreeMap<>();
        Matcher param = PARAM.matcher(scheme.group(2));
        while (param.find()) {
            params.put(param.group(1).toLowerCase(Locale.ROOT), param.group(2) != null ? param.group(2) : param.group(3));
        }
        return new Challenge(scheme.group(1).toLowerCase(Locale.ROOT), Map.copyOf(params));
    }
}
