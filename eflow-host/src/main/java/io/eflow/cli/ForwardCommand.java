package io.eflow.cli;

import io.eflow.forward.Forward;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Forwards over the management SSH connection: host applications reach module ports without a firewall opening,
 * and the guest reaches host services (a registry, say) on its own loopback.
 */
@Command(name = "forward", description = "Carry a host port or UNIX socket to a guest port, or a guest port to a host port.",
        subcommands = {ForwardCommand.Add.class, ForwardCommand.ListForwards.class, ForwardCommand.Remove.class})
final class ForwardCommand extends CommandGroup {
    /** The two ends, the same for add and remove. */
    static final class Ends {
        @Parameters(index = "0", paramLabel = "HOST", description = "Host side: a loopback port (8080, 127.0.0.1:8080) or,"
                + " into the guest, a UNIX socket path.")
        String host;

        @Parameters(index = "1", paramLabel = "GUEST_PORT", description = "The port on the guest's loopback.")
        int guestPort;

        @Option(names = {"--reverse", "-R"}, description = "The guest's port leads to the host's (the guest connects out).")
        boolean reverse;

        Forward forward() {
            return new Forward(reverse ? Forward.Direction.TO_HOST : Forward.Direction.INTO_GUEST, host, guestPort);
        }
    }

    /** Add and remove: the same two ends, one request, one line saying what happened. */
    abstract static class Change extends EflowCommand implements Runnable {
        @Mixin
        Ends ends;

        @Mixin
        NameOption name;

        abstract String send(Forward forward);

        @Override
        public void run() {
            Forward forward = ends.forward();
            context().out().println(send(forward) + " " + forward);
        }
    }

    @Command(name = "add", description = "Add a forward, active now and after restarts: eflow forward add 8080 80,"
            + " eflow forward add /run/app.sock 1883, eflow forward add --reverse 5000 5000")
    static final class Add extends Change {
        @Override
        String send(Forward forward) {
            client().addForward(name.instance(), forward);
            return "Forwarding";
        }
    }

    @Command(name = "list", description = "The instance's forwards.")
    static final class ListForwards extends EflowCommand implements Runnable {
        @Mixin
        NameOption name;

        @Mixin
        JsonOption json;

        @Override
        public void run() {
            print(json, client().forwards(name.instance()), ListForwards::text);
        }

        static String text(List<Forward> forwards) {
            return forwards.stream().map(Forward::toString).collect(Collectors.joining("\n"));
        }
    }

    @Command(name = "remove", description = "Remove a forward: the same ends as it was added with.")
    static final class Remove extends Change {
        @Override
        String send(Forward forward) {
            client().removeForward(name.instance(), forward);
            return "Removed";
        }
    }
}
