package io.eflow.cli;

import io.eflow.contract.wire.ProvisioningState;
import io.eflow.daemon.api.ProvisionRequest;
import io.eflow.platform.EflowException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Provision-EflowVm: connects the guest's edge runtime to IoT Hub as an IoT Edge device. The guest tries the
 * provisioning against the hub before it keeps it, so a bad string or a hub that says no changes nothing.
 */
@Command(name = "provision", description = "Provision the guest as an IoT Edge device of an IoT Hub (Provision-EflowVm):"
        + " eflow provision --type manual-connection-string --connection-string 'HostName=…;DeviceId=…;SharedAccessKey=…'"
        + " [--trust-bundle CA.pem]; - reads the connection string from stdin. show and remove manage it.",
        subcommands = {ProvisionCommand.Show.class, ProvisionCommand.Remove.class})
final class ProvisionCommand extends EflowCommand implements Runnable {
    private static final String STDIN = "-";

    @Option(names = "--type", paramLabel = "TYPE", description = "How the device is provisioned: manual-connection-string.")
    String type;

    @Option(names = "--connection-string", paramLabel = "CS", description = "The IoT Edge device's connection string"
            + " (HostName=…;DeviceId=…;SharedAccessKey=…); - reads it from stdin, which keeps the key out of the shell's history.")
    String connectionString;

    @Option(names = "--trust-bundle", paramLabel = "PEM", description = "CA certificates the device trusts beyond the"
            + " public ones: a private hub, a parent gateway, the IoT Hub emulator.")
    String trustBundle;

    @Mixin
    NameOption name;

    @Mixin
    JsonOption json;

    @Override
    public void run() {
        if (type == null) {
            throw usage("provision needs --type manual-connection-string (or the command show or remove)");
        }
        if (connectionString == null) {
            throw usage("--type " + type + " needs --connection-string 'HostName=…;DeviceId=…;SharedAccessKey=…'");
        }
        String value = connectionString.equals(STDIN) ? stdinLine() : connectionString;
        ProvisioningState state = client().provision(name.instance(), new ProvisionRequest(type, value, trustBundle()));
        print(json, state, s -> "Provisioned: device " + s.device() + " of " + s.hub() + ", " + s.state().wireName());
    }

    private String trustBundle() {
        if (trustBundle == null) {
            return null;
        }
        try {
            return Files.readString(Path.of(context().absolute(trustBundle)), StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new EflowException("--trust-bundle: no file " + trustBundle);
        } catch (IOException e) {
            throw new EflowException("--trust-bundle: cannot read " + trustBundle + ": " + e.getMessage());
        }
    }


    @Command(name = "show", description = "The provisioning's type, hub and device, how the link to the hub stands and its"
            + " last error (never the key).")
    static final class Show extends EflowCommand implements Runnable {
        @Mixin
        NameOption name;

        @Mixin
        JsonOption json;

        @Override
        public void run() {
            print(json, client().provisioning(name.instance()), state -> state.provisioned()
                    ? TextRenderer.keyValues(state) : "Not provisioned: eflow provision --type manual-connection-string"
                    + " --connection-string CS connects the guest to IoT Hub.");
        }
    }

    @Command(name = "remove", description = "Disconnect from IoT Hub and forget the device's credentials; local modules"
            + " keep running.")
    static final class Remove extends EflowCommand implements Runnable {
        @Mixin
        NameOption name;

        @Override
        public void run() {
            client().removeProvisioning(name.instance());
            context().out().println("Provisioning removed");
        }
    }
}
