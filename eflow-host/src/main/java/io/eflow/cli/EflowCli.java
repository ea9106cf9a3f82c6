package io.eflow.cli;

import io.eflow.daemon.api.EflowVersion;
import io.eflow.platform.EflowException;
import io.eflow.platform.InvalidValue;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * {@code eflow}: the host's one command line, the counterpart of EFLOW's PowerShell functions. Instance commands are
 * requests to eflowd over its root-only UNIX socket; {@code image build/verify/bundle}, {@code update check},
 * {@code connect} and {@code daemon} also work in the CLI's own process (see README, "Using it").
 *
 * <p>Exit codes: 0 success; 1 failure (one line {@code eflow: ...} on stderr), also {@code verify}'s False;
 * 2 usage error; {@code invoke} and {@code connect} pass the remote command's code through.
 */
@Command(name = "eflow", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, versionProvider = EflowCli.Version.class,
        description = "Manage eflow instances: locked-down Linux guests with an edge runtime, beside the host's own applications.",
        footer = {"", "Exit codes: 0 done; 1 failed (one 'eflow: ...' line on stderr), or verify printed False; 2 usage error;",
                "invoke and connect exit with the guest command's code.",
                "Environment: EFLOW_HOME moves state, the daemon socket and logs; EFLOW_DEBUG=1 adds stack traces.",
                "Another host: eflow --host https://HOST:9443 [--token-file FILE] [--ca PEM] COMMAND ... runs COMMAND against that",
                "host's eflowd (eflow console enable there), as the token's console user; or set EFLOW_HOST, EFLOW_TOKEN_FILE",
                "(or EFLOW_TOKEN) and EFLOW_CA."})
public final class EflowCli implements Runnable {
    static final int USAGE = 2;
    static final int FAILURE = 1;
    /** Commands that change nothing and reveal nothing, so they run without root. */
    private static final Set<Class<?>> WITHOUT_ROOT = Set.of(EflowCli.class, VersionCommand.class, ImageCommand.class,
            CommandLine.HelpCommand.class);

    /**
     * In help order. Registered lazily: see {@link #commandLine}. The names are written out rather than read from each
     * class's {@code @Command}: reading 27 annotations cost every run ~10 ms before parsing began (CliParsingTest checks
     * that each name is its command's).
     */
    static final Map<String, Class<?>> COMMANDS = commands(List.of(Map.entry("list", ListCommand.class), Map.entry("deploy", DeployCommand.class),
            Map.entry("start", StartCommand.class), Map.entry("stop", StopCommand.class), Map.entry("set", SetCommand.class),
            Map.entry("get", GetCommand.class), Map.entry("verify", VerifyCommand.class), Map.entry("addr", AddrCommand.class),
            Map.entry("host-config", HostConfigCommand.class), Map.entry("invoke", InvokeCommand.class),
            Map.entry("connect", ConnectCommand.class), Map.entry("rotate-keys", RotateKeysCommand.class),
            Map.entry("copy", CopyCommand.class), Map.entry("logs", LogsCommand.class),
            Map.entry("remove", RemoveCommand.class), Map.entry("image", ImageCommand.class), Map.entry("firewall", FirewallCommand.class),
            Map.entry("feature", FeatureCommand.class), Map.entry("tpm-info", TpmInfoCommand.class), Map.entry("dns", DnsCommand.class),
            Map.entry("proxy", ProxyCommand.class),
            Map.entry("share", ShareCommand.class), Map.entry("network", NetworkCommand.class),
            Map.entry("endpoint", EndpointCommand.class), Map.entry("device", DeviceCommand.class),
            Map.entry("deployment", DeploymentCommand.class), Map.entry("module", ModuleCommand.class), Map.entry("hub", HubCommand.class),
            Map.entry("provision", ProvisionCommand.class), Map.entry("forward", ForwardCommand.class),
            Map.entry("update", UpdateCommand.class), Map.entry("check", CheckCommand.class), Map.entry("console", ConsoleCommand.class),
            Map.entry("daemon", DaemonCommand.class),
            Map.entry("version", VersionCommand.class)));

    private final CliContext context;

    @Spec
    CommandSpec spec;

    EflowCli(CliContext context) {
        this.context = context;
    }

    CliContext context() {
        return context;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a command is needed, e.g. eflow list");
    }

    public static void main(String[] args) {
        // The daemon logs to files; the CLI only lets libraries print real errors. Chosen before any logger exists.
        if (System.getProperty("logback.configurationFile") == null) {
            boolean daemon = args.length > 0 && args[0].equals("daemon");
            System.setProperty("logback.configurationFile", daemon ? "logback.xml" : "logback-cli.xml");
        }
        if (!(args.length > 0 && args[0].equals("daemon"))) {
            avoidClassPathScans();
        }
        CliContext context = CliContext.system();
        OptionalInt delegated = DelegatedLine.tryInDaemon(context, args);
        if (delegated.isPresent()) {
            System.exit(delegated.getAsInt());
        }
        if (args.length > 0 && COMMANDS.containsKey(args[0])) {
            // a command line (not help, not --version): almost all of them read JSON from eflowd
            Warmup.start();
        }
        System.exit(execute(context, args));
    }

    /**
     * A class or service that no jar holds makes the class loader open every one of the 58 jars of the class path to
     * look for it, ~35 ms of a CLI run that otherwise opens none (its classes come from the AppCDS archive). Three such
     * look-ups happened on every run, none of them for anything eflow uses: picocli probing for Groovy closures and
     * for Jansi, and the JDK's selector provider looking for a replacement of itself in every jar's
     * META-INF/services before it takes its own default. Each has a documented switch; a value set on the command line
     * wins.
     */
    static void avoidClassPathScans() {
        setIfAbsent("picocli.disable.closures", "true");
        setIfAbsent("jansi.disable", "true");
        if (System.getProperty("os.name").equals("Linux")) {
            // the JDK's own default on Linux, named so the provider is not first looked for in every jar
            setIfAbsent("java.nio.channels.spi.SelectorProvider", "sun.nio.ch.EPollSelectorProvider");
        }
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /** Runs one command line and returns the exit code; never throws and never calls System.exit. */
    static int execute(CliContext given, String... arguments) {
        RemoteTarget.Split split;
        try {
            split = RemoteTarget.split(given.env(), arguments);
        } catch (EflowException e) {
            given.err().println("eflow: " + oneLine(e.getMessage()) + " (see 'eflow --help')");
            return USAGE;
        }
        CliContext context = given.withEnv(split.env());
        String[] args = split.command();
        if (versionOnly(args)) {
            // What scripts call to see that eflow is there, answered without picocli: building even the root command's
            // model (its converters and the proxies of its annotations) was ~50 ms of a ~100 ms run. The text is
            // picocli's own answer (CliParsingTest compares the two).
            for (String line : new Version().getVersion()) {
                context.out().println(line);
            }
            return 0;
        }
        return commandLine(context, args).execute(args);
    }

    /**
     * picocli reflects over every registered command before parsing, which is most of a CLI run's time
     * (~0.2 s for all of them). When the first argument names a command, only that one is registered; anything else
     * (help, a typo) gets all of them, so help and "did you mean" stay complete.
     */
    static CommandLine commandLine(CliContext context, String... args) {
        CommandLine commandLine = new CommandLine(new EflowCli(context));
        Class<?> only = args.length > 0 ? COMMANDS.get(args[0]) : null;
        if (only != null) {
            commandLine.addSubcommand(args[0], only);
        } else {
            COMMANDS.forEach(commandLine::addSubcommand);
        }
        if (only == null) {
            // `eflow help CMD` is `eflow CMD --help`; "help" is no entry of COMMANDS, so it gets every command registered.
            // A line that starts with a command never reaches the root's subcommands again, so it needs no "help".
            commandLine.addSubcommand("help", new CommandLine.HelpCommand());
        }
        commandLine.setOut(new PrintWriter(context.out(), true));
        commandLine.setErr(new PrintWriter(context.err(), true));
        CommandLine invoke = commandLine.getSubcommands().get("invoke");
        if (invoke != null) {
            invoke.setStopAtPositional(true);
        }
        commandLine.setParameterExceptionHandler((e, unused) -> usageError(context, e));
        commandLine.setExecutionExceptionHandler((e, cl, parseResult) -> failure(context, e));
        commandLine.setExecutionStrategy(parseResult -> executeAsRoot(context, parseResult));
        return commandLine;
    }

    /** The whole line is the root's own version option, whose answer no subcommand changes. */
    private static boolean versionOnly(String... args) {
        return args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"));
    }

    private static int executeAsRoot(CliContext context, ParseResult parseResult) {
        Integer helpExit = CommandLine.executeHelpRequest(parseResult);
        if (helpExit != null) {
            return helpExit;
        }
        ParseResult leaf = parseResult;
        while (leaf.subcommand() != null) {
            leaf = leaf.subcommand();
        }
        // a remote daemon decides by the token's role what runs; only this host's needs root here
        boolean remote = context.env().get("EFLOW_HOST") != null && !context.env().get("EFLOW_HOST").isBlank();
        if (!remote && !context.root() && !WITHOUT_ROOT.contains(leaf.commandSpec().userObject().getClass())) {
            context.err().println("eflow: eflow needs root: run it with sudo (the original needs an elevated session too)");
            return FAILURE;
        }
        return new CommandLine.RunLast().execute(parseResult);
    }

    private static int usageError(CliContext context, ParameterException e) {
        if (context.debug()) {
            e.printStackTrace(context.err());
        }
        String command = e.getCommandLine().getCommandSpec().qualifiedName();
        context.err().println("eflow: " + oneLine(e.getMessage()) + " (see '" + command + " --help')");
        return USAGE;
    }

    private static int failure(CliContext context, Exception e) {
        if (context.debug()) {
            e.printStackTrace(context.err());
        }
        if (e instanceof InvalidValue invalid) {
            context.err().println("eflow: " + oneLine(Flags.message(invalid)));
        } else if (e instanceof EflowException) {
            context.err().println("eflow: " + oneLine(e.getMessage()));
        } else {
            context.err().println("eflow: " + e.getClass().getSimpleName() + ": " + oneLine(e.getMessage())
                    + " (EFLOW_DEBUG=1 shows where)");
        }
        return FAILURE;
    }

    /** Not varargs: picocli reads the annotations of this class's methods, and @SafeVarargs would cost a proxy class. */
    private static Map<String, Class<?>> commands(List<Map.Entry<String, Class<?>>> entries) {
        Map<String, Class<?>> commands = new LinkedHashMap<>();
        for (Map.Entry<String, Class<?>> entry : entries) {
            commands.put(entry.getKey(), entry.getValue());
        }
        return Collections.unmodifiableMap(commands);
    }

    static String oneLine(String message) {
        return message == null ? "unknown error" : message.strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"eflow " + EflowVersion.get()};
        }
    }
}
