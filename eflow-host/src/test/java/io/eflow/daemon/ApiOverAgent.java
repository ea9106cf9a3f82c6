package io.eflow.daemon;

import io.eflow.forward.Forwards;
import io.eflow.instance.InstanceManager;
import io.eflow.modules.RuntimeSocket;
import io.javalin.Javalin;

import java.nio.file.Path;

/**
 * The daemon's real API and server setup on a UNIX socket, with the guests' edge agents answered by the test: for
 * the CLI's tests of agent-backed commands, where no guest runs. Needs no root (eflowd's own checks are skipped).
 */
public final class ApiOverAgent implements AutoCloseable {
    private final Javalin app;
    private final Forwards forwards;

    private ApiOverAgent(Javalin app, Forwards forwards) {
        this.app = app;
        this.forwards = forwards;
    }

    public static ApiOverAgent start(Path socket, InstanceManager manager, RuntimeSocket agent) {
        Forwards forwards = new Forwards(manager);
        Javalin app = Eflowd.createApp(socket, new DaemonApi(manager, forwards, agent, null));
        app.start();
        return new ApiOverAgent(app, forwards);
    }

    @Override
    public void close() {
        app.stop();
        forwards.close();
    }
}
