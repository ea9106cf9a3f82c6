package io.eflow.iothub.emulator;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * {@code bin/iothub-emulator [--hostname NAME] [--bind ADDR] [--mqtt-port P] [--https-port P] [--state DIR]}: prints
 * the service connection string, the CA certificate's path, then {@code mqtts://ADDR:PORT} and
 * {@code https://ADDR:PORT} with the ports really bound (0 asks for ephemeral ones), then the Device Provisioning
 * Service's id scope and its service connection string (DPS shares the hub's host name and ports), and serves until
 * stopped. Tools read the lines by position: new ones go at the end.
 */
public final class Main {
    static final String USAGE = "usage: iothub-emulator [--hostname NAME] [--bind ADDR] [--mqtt-port P] [--https-port P] [--state DIR]";

    private static final Set<String> OPTIONS = Set.of("--hostname", "--bind", "--mqtt-port", "--https-port", "--state");

    private Main() {
    }

    public static void main(String[] args) {
        EmulatorOptions options;
        try {
            options = parse(List.of(args));
        } catch (IllegalArgumentException e) {
            System.err.println("iothub-emulator: " + e.getMessage());
            System.exit(2);
            return;
        }
        IotHubEmulator emulator;
        try {
            emulator = IotHubEmulator.start(options);
        } catch (IOException | RuntimeException e) {
            System.err.println("iothub-emulator: " + e.getMessage());
            System.exit(1);
            return;
        }
        PrintStream out = System.out;
        out.println(emulator.serviceConnectionString());
        out.println(emulator.caCertificate().toAbsolutePath());
        out.println("mqtts://" + options.bind() + ":" + emulator.mqttPort());
        out.println("https://" + options.bind() + ":" + emulator.httpsPort());
        out.println(emulator.provisioning().idScope());
        out.println(emulator.provisioning().serviceConnectionString());
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            emulator.close();
            stopped.countDown();
        }, "iothub-emulator-stop"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** @throws IllegalArgumentException with the one line to print */
    static EmulatorOptions parse(List<String> args) {
        String hostName = "localhost";
        String bind = "127.0.0.1";
        int mqttPort = EmulatorOptions.MQTT_PORT;
        int httpsPort = EmulatorOptions.HTTPS_PORT;
        Path state = Path.of("iothub-emulator-state");
        for (int i = 0; i < args.size(); i++) {
            String option = args.get(i);
            if (option.equals("--help") || option.equals("-h")) {
                throw new IllegalArgumentException(USAGE);
            }
            if (!OPTIONS.contains(option)) {
                throw new IllegalArgumentException((option.startsWith("-") ? "unknown option '" : "unexpected argument '")
                        + option + "'; " + USAGE);
            }
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException(option + " needs a value; " + USAGE);
            }
            String value = args.get(++i);
            switch (option) {
                case "--hostname" -> hostName = value;
                case "--bind" -> bind = value;
                case "--mqtt-port" -> mqttPort = port(option, value);
                case "--https-port" -> httpsPort = port(option, value);
                case "--state" -> state = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option '" + option + "'; " + USAGE);
            }
        }
        return new EmulatorOptions(hostName, bind, mqttPort, httpsPort, state);
    }

    private static int port(String option, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a port number, not '" + value + "'");
        }
    }
}
