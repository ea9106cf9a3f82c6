package io.eflow.contract.manifest;

/**
 * A deployment manifest that eflow refuses as a whole. The message starts with the JSON path of the offending
 * field ({@code $} for the document itself), so the user knows where to look.
 */
public final class ManifestException extends RuntimeException {
    private final String path;
    private final String problem;

    public ManifestException(String path, String problem) {
        super(path + ": " + problem);
        this.path = path;
        this.problem = problem;
    }

    /** The JSON path of the field, e.g. {@code modulesContent.$edgeAgent.properties.desired.schemaVersion}. */
    public String path() {
        return path;
    }

    /** What is wrong there, without the path. */
    public String problem() {
        return problem;
    }
}
