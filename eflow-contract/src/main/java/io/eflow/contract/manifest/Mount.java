package io.eflow.contract.manifest;

/**
 * A filesystem mounted into the container.
 *
 * @param source a guest path (bind), a volume name (volume; empty for an anonymous one), or empty (tmpfs)
 * @param target the absolute path in the container
 */
public record Mount(Type type, String source, String target, boolean readOnly) {

    public enum Type {
        BIND, VOLUME, TMPFS
    }
}
