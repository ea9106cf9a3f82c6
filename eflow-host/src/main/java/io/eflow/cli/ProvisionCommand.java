package io.eflow.cli;

import io.eflow.contract.wire.ProvisioningSpec;
import io.eflow.contract.wire.ProvisioningState;
import io.eflow.contract.wire.ProvisioningType;
import io.eflow.daemon.api.RenewRequest;
import io.eflow.platform.EflowException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Provision-EflowVm: connects the guest's edge runtime to IoT Hub as an IoT Edge device, by hand (a connection string,
 * an X.509 certificate) or through the Device Provisioning Service (a symmetric key, an X.509 certificate, the TPM).
 * The guest tries a provisioning (DPS, then the hub) before it keeps it, so bad input or a refusal changes nothing.
 */
@Command(name = "provision", description = "Provision the guest as an IoT Edge device (Provision-EflowVm). --type"
        + " manual-connection-string --connection-string CS | manual-x509 --iothub-hostname H --device-id D --identity-cert PEM"
        + " --identity-key PEM | dps-symmetric-key --scope-id S --registration-id R (--symmetric-key K | --group-key K)"
        + " | dps-x509 --scope-id S --identity-cert PEM --identity-key PEM | dps-tpm --scope-id S [--registration-id R];"
        + " DPS types take --global-endpoint; all take --trust-bundle. A key given as - is read from stdin."
        + " show, renew and remove manage it.",
        subcommands = {ProvisionCommand.Show.class, ProvisionCommand.Renew.class, ProvisionCommand.Remove.class})
final class ProvisionCommand extends EflowCommand implements Runnable {
    private static final String STDIN = "-";
    /** The options each type takes, beyond --trust-bundle: any other is a mistake worth saying. */
    private static final Map<ProvisioningType, Set<String>> TAKES = Map.of(
            ProvisioningType.MANUAL_CONNECTION_STRING, Set.of("--connection-string"),
            ProvisioningType.MANUAL_X509, Set.of("--iothub-hostname", "--device-id", "--identity-cert", "--identity-key"),
            ProvisioningType.DPS_SYMMETRIC_KEY, Set.of("--global-endpoint", "--scope-id", "--registration-id", "--symmetric-key",
                    "--group-key"),
            ProvisioningType.DPS_X509, Set.of("--global-endpoint", "--scope-id", "--registration-id", "--identity-cert",
                    "--identity-key"),
            ProvisioningType.DPS_TPM, Set.of("--global-endpoint", "--scope-id", "--registration-id"));

    @Option(names = "--type", paramLabel = "TYPE", description = "manual-connection-string, manual-x509, dps-symmetric-key,"
            + " dps-x509 or dps-tpm.")
    String type;

    @Option(names = "--connection-string", paramLabel = "CS", description = "The IoT Edge device's connection string"
            + " (HostName=…;DeviceId=…;SharedAccessKey=…); - reads it from stdin, which keeps the key out of the shell's history.")
    String connectionString;

    @Option(names = "--iothub-hostname", paramLabel = "HOST", description = "manual-x509: the IoT hub, like myhub.azure-devices.net.")
    String iothubHostname;

    @Option(names = "--device-id", paramLabel = "ID", description = "manual-x509: the device's id in the hub.")
    String deviceId;

    @Option(names = "--identity-cert", paramLabel = "PEM", description = "X.509 types: the device's certificate chain, leaf first.")
    String identityCert;

    @Option(names = "--identity-key", paramLabel = "PEM", description = "X.509 types: the certificate's private key (kept 0600 in the guest).")
    String identityKey;

    @Option(names = "--global-endpoint", paramLabel = "URL", description = "DPS types: DPS's global device endpoint"
            + " (default https://global.azure-devices-provisioning.net).")
    String globalEndpoint;

    @Option(names = "--scope-id", paramLabel = "SCOPE", description = "DPS types: the DPS instance's id scope.")
    String scopeId;

    @Option(names = "--registration-id", paramLabel = "ID", description = "DPS types: the device's registration id"
            + " (dps-x509: the certificate's common name; dps-tpm: derived from the TPM when not given).")
    String registrationId;

    @Option(names = "--symmetric-key", paramLabel = "KEY", description = "dps-symmetric-key: the individual enrollment's key"
            + " (or the device's key derived from a group's); - reads it from stdin.")
    String symmetricKey;

    @Option(names = "--group-key", paramLabel = "KEY", description = "dps-symmetric-key: the group enrollment's key, from which"
            + " the device's is derived (only the derived one is kept); - reads it from stdin.")
    String groupKey;

    @Option(names = "--trust-bundle", paramLabel = "PEM", description = "CA certificates the device trusts beyond the"
            + " public ones: a private hub or DPS, a parent gateway, the IoT Hub emulator.")
    String trustBundle;

    @Mixin
    NameOption name;

    @Mixin
    JsonOption json;

    @Override
    public void run() {
        if (type == null) {
            throw usage("provision needs --type (manual-connection-string, manual-x509, dps-symmetric-key, dps-x509,"
                    + " dps-tpm), or the command show, renew or remove");
        }
        ProvisioningType kind;
        try {
            kind = ProvisioningType.of(type);
        } catch (IllegalArgumentException e) {
            throw new EflowException(e.getMessage());
        }
        checkOptions(kind);
        if (kind == ProvisioningType.MANUAL_CONNECTION_STRING && connectionString == null) {
            throw usage("--type " + type + " needs --connection-string 'HostName=…;DeviceId=…;SharedAccessKey=…'");
        }
        ProvisioningSpec spec = new ProvisioningSpec(kind, secret(connectionString), iothubHostname, deviceId, globalEndpoint,
                scopeId, registrationId, secret(symmetricKey), secret(groupKey), pem(identityCert, "--identity-cert"),
                pem(identityKey, "--identity-key"), pem(trustBundle, "--trust-bundle"));
        ProvisioningState state = client().provision(name.instance(), spec);
        print(json, state, ProvisionCommand::describe);
    }

    /** What happened, in a line: the hub and device, or DPS still being tried. */
    static String describe(ProvisioningState state) {
        if (state.state() == ProvisioningState.Link.REGISTERING) {
            return "Provisioning kept; DPS has not assigned the device yet (" + state.lastError() + "): it is retried with"
                    + " back-off, see eflow provision show";
        }
        return "Provisioned: device " + state.device() + " of " + state.hub() + ", " + state.state().wireName();
    }

    private void checkOptions(ProvisioningType kind) {
        Map<String, String> given = new LinkedHashMap<>();
        given.put("--connection-string", connectionString);
        given.put("--iothub-hostname", iothubHostname);
        given.put("--device-id", deviceId);
        given.put("--identity-cert", identityCert);
        given.put("--identity-key", identityKey);
        given.put("--global-endpoint", globalEndpoint);
        given.put("--scope-id", scopeId);
        given.put("--registration-id", registrationId);
        given.put("--symmetric-key", symmetricKey);
        given.put("--group-key", groupKey);
        List<String> foreign = new ArrayList<>();
        given.forEach((option, value) -> {
            if (value != null && !TAKES.get(kind).contains(option)) {
                foreign.add(option);
            }
        });
        if (!foreign.isEmpty()) {
            throw usage("--type " + kind + " does not take " + String.join(", ", foreign) + ": it takes "
                    + String.join(", ", TAKES.get(kind).stream().sorted().toList()) + " and --trust-bundle");
        }
        if (STDIN.equals(symmetricKey) && STDIN.equals(groupKey)) {
            throw usage("only one key can be read from stdin");
        }
    }

    private String secret(String value) {
        return STDIN.equals(value) ? stdinLine() : value;
    }

    private String pem(String file, String option) {
        return file == null ? null : readText(file, option);
    }

    @Command(name = "show", description = "The provisioning's type, hub and device, how the link to the hub stands, DPS's"
            + " registration (status, error in plain words, next attempt) and the last error (never a key).")
    static final class Show extends EflowCommand implements Runnable {
        @Mixin
        NameOption name;

        @Mixin
        JsonOption json;

        @Override
        public void run() {
            print(json, client().provisioning(name.instance()), state -> state.provisioned()
                    ? TextRenderer.keyValues(state) : "Not provisioned: eflow provision --type … connects the guest to IoT Hub"
                    + " (eflow provision --help).");
        }
    }

    @Command(name = "renew", description = "Replace an X.509 device's certificate and key with renewed ones, without"
            + " redeploying: eflow provision renew --identity-cert PEM --identity-key PEM.")
    static final class Renew extends EflowCommand implements Runnable {
        @Option(names = "--identity-cert", paramLabel = "PEM", required = true, description = "The renewed certificate chain, leaf first.")
        String identityCert;

        @Option(names = "--identity-key", paramLabel = "PEM", required = true, description = "Its private key.")
        String identityKey;

        @Mixin
        NameOption name;

        @Mixin
        JsonOption json;

        @Override
        public void run() {
            String cert = readText(identityCert, "--identity-cert");
            String key = readText(identityKey, "--identity-key");
            print(json, client().renewProvisioning(name.instance(), new RenewRequest(cert, key)),
                    state -> "Renewed: device " + state.device() + " of " + state.hub() + ", " + state.state().wireName());
        }
    }

    @Command(name = "remove", description = "Disconnect from IoT Hub and forget the device's credentials (and the key DPS"
            + " put in the TPM); local modules keep running.")
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
