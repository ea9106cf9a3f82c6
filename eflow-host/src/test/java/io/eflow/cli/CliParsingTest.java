package io.eflow.cli;

import io.eflow.daemon.api.CopyRequest;
import io.eflow.daemon.api.DeployRequest;
import io.eflow.daemon.api.InvokeRequest;
import io.eflow.daemon.api.KeysRotated;
import io.eflow.daemon.api.LogsRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Flags become the right request fields; bad input is one line and exit 2. No root, no daemon. */
class CliParsingTest {
    @TempDir
    Path home;
    @TempDir
    Path cwd;

    /** Parses like a real run and returns the innermost command object. */
    @SuppressWarnings("unchecked")
    private <T> T parse(String... args) {
        CommandLine commandLine = EflowCli.commandLine(CliRun.context(home, cwd), args);
        ParseResult result = commandLine.parseArgs(args);
        while (result.subcommand() != null) {
            result = result.subcommand();
        }
        return (T) result.commandSpec().userObject();
    }

    private CliContext context() {
        return CliRun.context(home, cwd);
    }

    @Test
    void deployMapsEveryFlag() {
        DeployCommand deploy = parse("deploy", "--name", "edge1", "--cpus", "2", "--memory", "2048", "--data-size", "20",
                "--log-size", "large", "--backend", "namespace", "--ip", "192.168.7.10", "--prefix", "24",
                "--gateway", "192.168.7.1", "--image", "images/v1", "--json");

        assertThat(deploy.request(context())).isEqualTo(new DeployRequest("edge1", 2, 2048, 20, "large", "namespace",
                "192.168.7.10", 24, "192.168.7.1", cwd.resolve("images/v1").toString()));
        assertThat(deploy.json.json).isTrue();
    }

    @Test
    void deployWithoutFlagsLeavesEverythingToTheDaemon() {
        DeployCommand deploy = parse("deploy");

        assertThat(deploy.request(context())).isEqualTo(new DeployRequest(null, null, null, null, null, null, null, null, null, null));
        assertThat(deploy.json.json).isFalse();
    }

    @Test
    void invokeKeepsArgvIntactAfterDoubleDash() {
        InvokeCommand invoke = parse("invoke", "--name", "edge1", "--timeout", "7", "--ignore-error", "--", "sh", "-c", "x y");

        assertThat(invoke.request()).isEqualTo(new InvokeRequest(List.of("sh", "-c", "x y"), 7L));
        assertThat(invoke.ignoreError).isTrue();
        assertThat(invoke.name.instance()).isEqualTo("edge1");
    }

    @Test
    void invokeTreatsEverythingAfterTheCommandAsItsArguments() {
        InvokeCommand invoke = parse("invoke", "ls", "-la", "--name", "/var");

        assertThat(invoke.request()).isEqualTo(new InvokeRequest(List.of("ls", "-la", "--name", "/var"), null));
        assertThat(invoke.name.instance()).isNull();
        assertThat(invoke.ignoreError).isFalse();
    }

    @Test
    void copyResolvesOnlyTheHostSide() {
        CopyCommand pull = parse("copy", "--from", "/var/log/syslog", "--to", "out/../syslog.txt");
        CopyCommand push = parse("copy", "--push", "--from", "./conf.json", "--to", "etc/conf.json");
        CopyCommand absolute = parse("copy", "--push", "--from", "/etc/hosts", "--to", "/tmp/hosts");

        assertThat(pull.request(context())).isEqualTo(new CopyRequest("/var/log/syslog", cwd.resolve("syslog.txt").toString(), false));
        assertThat(push.request(context())).isEqualTo(new CopyRequest(cwd.resolve("conf.json").toString(), "etc/conf.json", true));
        assertThat(absolute.request(context())).isEqualTo(new CopyRequest("/etc/hosts", "/tmp/hosts", true));
    }

    @Test
    void logsDefaultsToTheWorkingDirectoryAndResolvesOutput() {
        LogsCommand byDefault = parse("logs");
        LogsCommand explicit = parse("logs", "--name", "edge1", "--output", "bundle.zip");

        assertThat(byDefault.request(context())).isEqualTo(new LogsRequest(null, cwd.toString()));
        assertThat(explicit.request(context())).isEqualTo(new LogsRequest(cwd.resolve("bundle.zip").toString(), null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"start", "stop", "set", "get", "verify", "addr", "connect", "logs", "remove"})
    void everyInstanceCommandTakesName(String command) {
        EflowCommand withName = parse(command, "--name", "edge7");
        EflowCommand without = parse(command);

        assertThat(nameOf(withName)).isEqualTo("edge7");
        assertThat(nameOf(without)).isNull();
    }

    private static String nameOf(EflowCommand command) {
        try {
            var field = command.getClass().getDeclaredField("name");
            return ((NameOption) field.get(command)).instance();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(command.getClass() + " has no --name", e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"list", "start", "stop", "get", "verify", "addr", "host-config", "copy", "logs", "remove", "version", "deploy"})
    void dataCommandsTakeJson(String command) {
        String[] args = command.equals("copy") ? new String[]{command, "--from", "a", "--to", "b", "--json"} : new String[]{command, "--json"};
        EflowCommand parsed = parse(args);
        try {
            var field = parsed.getClass().getDeclaredField("json");
            assertThat(((JsonOption) field.get(parsed)).json).isTrue();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(command + " has no --json", e);
        }
    }

    @Test
    void setTakesCpusAndMemory() {
        SetCommand set = parse("set", "--cpus", "2", "--memory", "1536", "--json");
        assertThat(set.cpus).isEqualTo(2);
        assertThat(set.memoryMb).isEqualTo(1536);
        SetCommand onlyMemory = parse("set", "--memory", "2048");
        assertThat(onlyMemory.cpus).isNull();
    }

    @Test
    void rotateKeysTakesOneInstanceOrAllAndJson() {
        RotateKeysCommand one = parse("rotate-keys", "--name", "edge7", "--json");
        assertThat(one.target.name).isEqualTo("edge7");
        assertThat(one.target.all).isFalse();
        assertThat(one.json.json).isTrue();
        RotateKeysCommand only = parse("rotate-keys");
        assertThat(only.target.name).isNull();
        assertThat(only.target.all).isFalse();
        assertThat(((RotateKeysCommand) parse("rotate-keys", "--all")).target.all).isTrue();
    }

    @Test
    void rotateKeysSaysWhatWasReplacedAndWhere() {
        String text = RotateKeysCommand.text(new KeysRotated(new KeysRotated.UserCa("SHA256:old", "SHA256:new", 2), List.of(
                new KeysRotated.HostKey("edge1", "SHA256:a", "SHA256:b", true),
                new KeysRotated.HostKey("edge2", "SHA256:c", "SHA256:d", false))));
        assertThat(text.lines().toList()).containsExactly(
                "user CA: SHA256:old -> SHA256:new (2 guests trust the new CA alone)",
                "edge1: host key SHA256:a -> SHA256:b (in the running guest)",
                "edge2: host key SHA256:c -> SHA256:d (stopped: on its data disk)");
    }

    @Test
    void removeForce() {
        RemoveCommand remove = parse("remove", "--force");
        assertThat(remove.force).isTrue();
        assertThat(((RemoveCommand) parse("remove")).force).isFalse();
    }

    @Test
    void imageCommandsParse() {
        ImageCommand.Build build = parse("image", "build", "--force");
        ImageCommand.Verify verify = parse("image", "verify", "out/image");

        assertThat(build.force).isTrue();
        assertThat(verify.directory(context())).isEqualTo(cwd.resolve("out/image"));
    }

    @Test
    void daemonDetached() {
        DaemonCommand daemon = parse("daemon", "--detached");
        assertThat(daemon.detached).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"deploy --bogus", "deploy --cpus two", "copy --from a", "invoke", "lsit", "", "verify extra",
            "list --name x", "image", "remove --force=maybe", "rotate-keys --name a --all", "rotate-keys extra"})
    void badInputIsOneLineAndExitTwo(String line) {
        String[] args = line.isEmpty() ? new String[0] : line.split(" ");
        CliRun run = CliRun.run(home, cwd, true, args);

        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.err()).startsWith("eflow: ");
        assertThat(run.out()).isEmpty();
        assertThat(home).isEmptyDirectory();
    }

    @Test
    void unknownFlagNamesTheFlagAndTheHelp() {
        CliRun run = CliRun.run(home, cwd, true, "deploy", "--bogus");

        assertThat(run.err()).isEqualTo("eflow: Unknown option: '--bogus' (see 'eflow deploy --help')" + System.lineSeparator());
    }

    @Test
    void withoutRootNothingIsDone() {
        CliRun run = CliRun.run(home, cwd, false, "host-config");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("eflow: eflow needs root: run it with sudo (the original needs an elevated session too)"
                + System.lineSeparator());
        assertThat(run.out()).isEmpty();
        // no daemon was started: it would have created its log and run folders
        assertThat(home).isEmptyDirectory();
    }

    @Test
    void helpAndVersionNeedNoRoot() throws Exception {
        CliRun help = CliRun.run(home, cwd, false, "--help");
        CliRun deployHelp = CliRun.run(home, cwd, false, "deploy", "--help");
        CliRun version = CliRun.run(home, cwd, false, "version");

        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("deploy", "host-config", "invoke", "image", "daemon");
        assertThat(deployHelp.exitCode()).isZero();
        assertThat(deployHelp.out()).contains("--data-size=GB", "--log-size=small|large");
        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).startsWith("eflow 0.1.0").contains("only root can reach it");
        assertThat(Files.list(home)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"--version", "-V"})
    void theVersionOptionAloneAnswersWithoutPicocliAsPicocliDoes(String option) {
        // a lone version option is answered before picocli is set up; with a command after it, picocli answers it
        CliRun alone = CliRun.run(home, cwd, false, option);
        CliRun withCommand = CliRun.run(home, cwd, false, option, "list");

        assertThat(alone.exitCode()).isZero();
        assertThat(alone.out()).isEqualTo("eflow 0.1.0" + System.lineSeparator()).isEqualTo(withCommand.out());
        assertThat(alone.err()).isEmpty();
    }

    @Test
    void everyCommandIsRegisteredUnderItsOwnName() {
        EflowCli.COMMANDS.forEach((name, type) -> assertThat(type.getAnnotation(CommandLine.Command.class).name()).as(type.getSimpleName())
                .isEqualTo(name));
        assertThat(EflowCli.COMMANDS.values()).doesNotHaveDuplicates();
    }

    @Test
    void helpNamesACommandAsItsHelpOptionDoes() throws Exception {
        CliRun viaHelp = CliRun.run(home, cwd, false, "help", "deploy");
        CliRun viaOption = CliRun.run(home, cwd, false, "deploy", "--help");
        CliRun unknown = CliRun.run(home, cwd, false, "help", "lsit");

        assertThat(viaHelp.exitCode()).isZero();
        assertThat(viaHelp.out()).isEqualTo(viaOption.out()).contains("--data-size=GB");
        assertThat(unknown.exitCode()).isEqualTo(EflowCli.USAGE);
        assertThat(Files.list(home)).isEmpty();
    }

    @Test
    void bundleHelpAnswersThoughItsVersionOptionIsRequired() throws Exception {
        // bundle's --version is the bundle's release, not the standard option: help must still come before it is checked
        CliRun help = CliRun.run(home, cwd, false, "image", "bundle", "--help");

        assertThat(help.exitCode()).isZero();
        assertThat(help.err()).isEmpty();
        assertThat(help.out()).startsWith("Usage: eflow image bundle").contains("--version=X.Y.Z", "--out=FILE");
    }
}
