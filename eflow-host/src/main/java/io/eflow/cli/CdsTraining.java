package io.eflow.cli;

import io.eflow.channel.CommandResult;
import io.eflow.contract.wire.ModuleReport;
import io.eflow.daemon.api.CliLine;
import io.eflow.daemon.api.ConnectInfo;
import io.eflow.daemon.api.DeployEvent;
import io.eflow.daemon.api.ErrorBody;
import io.eflow.daemon.api.FirewallView;
import io.eflow.daemon.api.GuestAddress;
import io.eflow.daemon.api.InstanceDetails;
import io.eflow.daemon.api.InstanceSummary;
import io.eflow.daemon.api.SizingChange;
import io.eflow.daemon.api.VersionInfo;
import io.eflow.firewall.FirewallRule;
import io.eflow.firewall.SshTransport;
import io.eflow.host.HostInfo;
import io.eflow.instance.model.BackendKind;
import io.eflow.instance.model.Feature;
import io.eflow.instance.model.InstanceConfig;
import io.eflow.instance.model.LogSize;
import io.eflow.instance.model.PowerState;
import io.eflow.instance.model.Slot;
import io.eflow.platform.EflowPaths;
import io.eflow.platform.Json;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Stream;

/**
 * A CLI run without a daemon, for {@code bin/eflow} to record an AppCDS archive from: it parses every command and
 * reads, renders and writes every answer type, so the archive holds the classes of every command, whichever
 * command the user happens to run first after a build. The commands scripts call most then run for real against a
 * stand-in daemon ({@link TrainingDaemon}), so the UNIX socket and HTTP path is archived too (before, ~110 JDK classes
 * of it were parsed from the runtime image on every call). Never used by eflow itself.
 */
public final class CdsTraining {
    /**
     * Every command line, run as a user who is not root: each parses and stops at the root check (exit 1), except
     * the two that need no root (exit 0) and one typo that trains the usage error (exit 2). Any other exit means
     * a line no longer reaches the command it is there to train (an option renamed, say).
     */
    static final List<Line> LINES = List.of(
            Line.parses("deploy", "--name", "a", "--cpus", "1", "--memory", "1024", "--data-size", "2", "--ip", "10.0.0.2",
                    "--prefix", "24", "--gateway", "10.0.0.1", "--image", "x", "--json"), Line.parses("list", "--json"),
            Line.parses("invoke", "--", "sh", "-c", "x"), Line.parses("copy", "--from", "a", "--to", "b", "--push"),
            Line.parses("logs", "--output", "x.zip"), Line.parses("remove", "--force"), Line.parses("verify"),
            Line.parses("get", "--name", "a"), Line.parses("host-config"), Line.parses("addr"), Line.parses("start"),
            Line.parses("stop"), Line.parses("set", "--cpus", "2", "--memory", "2048"), Line.parses("connect"),
            new Line(0, "version"), new Line(0, "--help"), new Line(EflowCli.USAGE, "deploy", "--bad"),
            Line.parses("firewall", "list"), Line.parses("firewall", "allow", "--protocol", "tcp", "--port", "80"),
            Line.parses("feature", "get", "dm-verity"), Line.parses("feature", "set", "dm-verity", "on"),
            Line.parses("hub", "status"), Line.parses("hub", "publish", "filter/input1", "x", "-p", "a=b"),
            Line.parses("hub", "subscribe", "m/o", "--count", "1"), Line.parses("hub", "identity", "list"),
            Line.parses("hub", "upstream", "show"), Line.parses("provision", "show"), Line.parses("module", "invoke", "m", "reset", "--payload", "{}"));

    /** Run against {@link TrainingDaemon}: the answered ones end with 0, an unknown instance with the daemon's 404. */
    static final List<Line> WIRE_LINES = List.of(new Line(0, "list"), new Line(0, "list", "--json"), new Line(0, "get", "--name", "a"),
            new Line(EflowCli.FAILURE, "get", "--name", "nope"), new Line(0, "invoke", "--name", "a", "--", "true"),
            new Line(0, "module", "list", "--name", "a"), new Line(0, "module", "list", "--name", "a", "--json"));

    /** @param exit what the line must end with in the training run */
    record Line(int exit, String... args) {
        static Line parses(String... args) {
            return new Line(EflowCli.FAILURE, args);
        }
    }

    private CdsTraining() {
    }

    /** Runs every line; returns those that ended with another exit code than the one they train (with it). */
    static List<String> run(PrintStream sink) {
        CliContext context = new CliContext(Map.of("EFLOW_HOME", "/nonexistent"), Path.of("/"), InputStream.nullInputStream(),
                sink, sink, false);
        List<String> wrong = new ArrayList<>();
        for (Line line : LINES) {
            int exit = EflowCli.execute(context, line.args());
            if (exit != line.exit()) {
                wrong.add(String.join(" ", line.args()) + " -> exit " + exit + " (expected " + line.exit() + ")");
            }
        }
        return wrong;
    }

    public static void main(String[] args) throws IOException {
        // what every real run starts with (the root check loads a JDK class from outside the base archive)
        CliContext.system();
        PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        List<String> wrong = run(sink);
        if (!wrong.isEmpty()) {
            // bin/eflow then records no archive rather than one that misses a command's classes
            throw new IllegalStateException("training lines that no longer reach their command: " + wrong);
        }
        InstanceConfig config = new InstanceConfig("a", 1, 1024, 2, LogSize.SMALL, BackendKind.NAMESPACE, null, "1", Slot.A, Instant.EPOCH);
        List<Object> answers = List.of(
                new InstanceDetails(config, PowerState.RUNNING, new InstanceDetails.RuntimeInfo("1", "running", ""),
                        new InstanceDetails.SystemStatistics(1.0, 1, 1, new InstanceDetails.DiskUse("/var", 1, 1), null, 1)),
                new HostInfo(1, 1, List.of(new HostInfo.Disk("/", "ext4", 1, 1))), new GuestAddress("10.0.0.2", "02:00:00:00:00:01"),
                new CommandResult(0, new byte[1], new byte[1]), new ConnectInfo("/s", "u", "/i", "/c", "/k", "a"),
                new VersionInfo("1", "17", 1), new ErrorBody("x"), new SizingChange("a", 2, 2048, 4, LogSize.LARGE, "10.0.0.2/24", "10.0.0.1", true),
                new Feature("dm-verity", true), new FirewallView(SshTransport.TCP, List.of("x"),
                        List.of(FirewallRule.of("tcp", "80", "10.0.0.0/8"))), DeployEvent.result(new InstanceSummary("a", BackendKind.QEMU, PowerState.STOPPED, "1")));
        for (Object answer : answers) {
            byte[] json = Json.write(answer);
            Json.MAPPER.readValue(json, answer.getClass());
            sink.println(TextRenderer.keyValues(answer));
            sink.println(Json.pretty(answer));
        }
        sink.println(TextRenderer.table(List.of(new InstanceSummary("a", BackendKind.QEMU, PowerState.STOPPED, "1"))));
        String wire = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n";
        ByteArrayInputStream in = new ByteArrayInputStream(wire.getBytes(StandardCharsets.ISO_8859_1));
        for (String line = DaemonHttp.readLine(in); line != null && !line.isEmpty(); line = DaemonHttp.readLine(in)) {
            sink.println(line);
        }
        sink.println(new String(new ChunkedInputStream(in).readAllBytes(), StandardCharsets.UTF_8));
        DaemonHttp.unix(Path.of("/nonexistent/eflowd.sock"));
        InstanceSummary summary = new InstanceSummary("a", BackendKind.NAMESPACE, PowerState.RUNNING, "1");
        Map<String, Object> daemonAnswers = Map.of("GET /v1/instances", List.of(summary), "GET /v1/instances/a", answers.get(0),
                "POST /v1/instances/a/invoke", new CommandResult(0, new byte[0], new byte[0]), "GET /v1/instances/a/modules",
                Map.of("m", new ModuleReport("running", "", null, 0, Instant.EPOCH, null, null, "1", "docker", "running", "always",
                        "x:1", null, 0)), "POST /v1/cli", new CliLine.Answer(0, new byte[1], new byte[1]));
        List<String> wrongOnTheWire = runAgainstDaemon(sink, daemonAnswers);
        if (!wrongOnTheWire.isEmpty()) {
            throw new IllegalStateException("training lines against the stand-in daemon that ended otherwise: " + wrongOnTheWire);
        }
    }

    /**
     * The commands scripts call most, run as root against {@link TrainingDaemon} in a private state folder; returns
     * those that ended with another exit code than the one they train. The socket answers before any line runs, so
     * no line ever starts a real eflowd.
     */
    static List<String> runAgainstDaemon(PrintStream sink, Map<String, Object> daemonAnswers) throws IOException {
        Path home = Files.createTempDirectory("eflow-cds-training");
        List<String> wrong = new ArrayList<>();
        try (TrainingDaemon daemon = TrainingDaemon.start(EflowPaths.from(Map.of("EFLOW_HOME", home.toString())).daemonSocket(),
                daemonAnswers)) {
            CliContext root = new CliContext(Map.of("EFLOW_HOME", home.toString()), Path.of("/"), InputStream.nullInputStream(), sink,
                    sink, true);
            for (Line line : WIRE_LINES) {
                int exit = EflowCli.execute(root, line.args());
                if (exit != line.exit()) {
                    wrong.add(String.join(" ", line.args()) + " -> exit " + exit + " (expected " + line.exit() + ")");
                }
            }
            // the path a script's lines take first: handed to eflowd whole
            OptionalInt delegated = DelegatedLine.tryInDaemon(root, "invoke", "--name", "a", "--", "true");
            if (delegated.isEmpty() || delegated.getAsInt() != 0) {
                wrong.add("invoke handed to the daemon -> " + delegated);
            }
        } finally {
            try (Stream<Path> paths = Files.walk(home)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            }
        }
        return wrong;
    }
}
