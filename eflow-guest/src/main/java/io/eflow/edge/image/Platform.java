package io.eflow.edge.image;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.util.Locale;

/** The os/architecture pair an image index selects by, in Go's names (linux, amd64, arm64). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Platform(String os, String architecture) {

    /** This JVM's platform; the guest only ever runs linux containers. */
    public static Platform host() {
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        return new Platform("linux", switch (arch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            default -> arch;
        });
    }

    @Override
    public String toString() {
        return os + "/" + architecture;
    }
}
