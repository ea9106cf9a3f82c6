package io.eflow.guest;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The guest runtime. For now it reports its version and health; the edge agent and hub join it later.
 * {@code run} keeps a status file fresh for the host to read; {@code status} prints it.
 */
public final class GuestMain {
    static final Path STATUS_FILE = Path.of("/run/eflow/runtime.json");

    private GuestMain() {
    }

    public static void main(String[] args) throws Exception {
        String command = args.length == 0 ? "run" : args[0];
        switch (command) {
            case "run" -> new StatusReporter(STATUS_FILE, Duration.ofSeconds(2), new SystemSampler(Path.of("/proc"))).run();
            case "status" -> System.out.println(java.nio.file.Files.readString(STATUS_FILE));
            case "version" -> System.out.println(RuntimeStatus.currentVersion());
            default -> {
                System.err.println("eflow-guest: unknown command '" + command + "' (run, status, version)");
                System.exit(2);
            }
        }
    }
}
