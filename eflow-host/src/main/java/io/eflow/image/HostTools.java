package io.eflow.image;

import io.eflow.platform.EflowException;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** Checks for the host tools a build step runs, so a missing one is named with its Debian package. */
final class HostTools {
    private HostTools() {
    }

    static void require(String tool, String debianPackage) {
        String path = System.getenv().getOrDefault("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return;
            }
        }
        throw new EflowException(tool + " not found: building the guest image needs it (apt-get install " + debianPackage + ")");
    }
}
