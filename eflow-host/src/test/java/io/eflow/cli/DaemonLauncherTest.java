package io.eflow.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class DaemonLauncherTest {
    /** The daemon started on demand and the one a service manager starts through the launcher run alike. */
    @Test
    void theLaunchersDaemonLineHasTheSameJvmOptions() throws Exception {
        String launcher = Files.readString(Path.of("..", "bin", "eflow"));
        String daemonExec = launcher.substring(launcher.indexOf("if [[ \"${1:-}\" == \"daemon\" ]]"));
        daemonExec = daemonExec.substring(daemonExec.indexOf("exec "), daemonExec.indexOf("\nfi"));
        assertThat(daemonExec.replaceAll("\\\\\\n\\s*", "")).contains("\"$java\" " + String.join(" ", DaemonLauncher.JVM_OPTIONS) + " ");
        assertThat(DaemonLauncher.command("/jdk", "eflow.jar")).containsSequence(DaemonLauncher.JVM_OPTIONS);
    }
}
