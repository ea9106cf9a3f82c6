package io.eflow.daemon.api;

/** {@code GET /v1/version}: the daemon's build, the Java it runs on and its pid (to find it in ps or the log). */
public record VersionInfo(String version, String java, long pid) {

    public static VersionInfo current() {
        return new VersionInfo(EflowVersion.get(), Runtime.version().toString(), ProcessHandle.current().pid());
    }
}
