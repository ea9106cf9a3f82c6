package io.eflow.edge.hub.store;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command line of a {@link StoreChild} JVM on this test's class path. */
final class ChildJvm {
    private ChildJvm() {
    }

    static List<String> command(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                StoreChild.class.getName()));
        command.addAll(List.of(args));
        return command;
    }
}
