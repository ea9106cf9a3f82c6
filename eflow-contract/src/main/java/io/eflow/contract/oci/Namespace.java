package io.eflow.contract.oci;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One entry of {@code linux.namespaces}: a new namespace, or the one at {@code path} joined. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Namespace(String type, String path) {

    /** A new namespace of this type ({@code pid}, {@code mount}, {@code network}, …). */
    public static Namespace fresh(String type) {
        return new Namespace(type, null);
    }

    /** The existing namespace at {@code path} (a bind-mounted nsfs file), joined. */
    public static Namespace join(String type, String path) {
        return new Namespace(type, path);
    }
}
