package io.eflow.edge.cloud;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.eflow.contract.json.Mappers;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The uploads {@code UploadModuleLogs} and {@code UploadSupportBundle} start, run in the background and known by a
 * correlation id, as IoT Edge's {@code GetTaskStatus} reports them: {@code {"status", "message", "correlationId"}}.
 * Two run at a time, the others wait as {@code NotStarted}. They outlive the MQTT session that started them (the
 * agent keeps one of these for its life), so a status can be asked after a reconnection.
 *
 * <p>Memory is bounded: at most {@value #MAX_UNFINISHED} uploads wait or run (more are refused), and only the last
 * {@value #KEPT} finished ones are remembered; an id older than that is {@code Unknown}, as an id never given is.
 */
final class UploadTasks {
    private static final System.Logger LOG = System.getLogger(UploadTasks.class.getName());
    private static final ObjectMapper JSON = Mappers.standard();
    static final int KEPT = 100;
    static final int MAX_UNFINISHED = 16;

    /** IoT Edge's task states, with the names its answers use. */
    enum Status {
        NOT_STARTED("NotStarted"), RUNNING("Running"), COMPLETED("Completed"), FAILED("Failed"), UNKNOWN("Unknown");

        final String wire;

        Status(String wire) {
            this.wire = wire;
        }

        boolean finished() {
            return this == COMPLETED || this == FAILED;
        }
    }

    /** Where a task stands; the message says why it failed, empty otherwise. */
    record State(Status status, String message) {
    }

    /** An upload; what it throws is the task's failure. */
    @FunctionalInterface
    interface Upload {
        void run() throws Exception;
    }

    private final Map<String, State> tasks = new LinkedHashMap<>();
    private final ThreadPoolExecutor workers;

    UploadTasks() {
        workers = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), runnable -> {
            Thread thread = new Thread(runnable, "edge-agent-upload");
            thread.setDaemon(true);
            return thread;
        });
        workers.allowCoreThreadTimeOut(true); // no thread is kept while nothing is uploaded
    }

    /**
     * Queues {@code upload}; its id, or empty when {@value #MAX_UNFINISHED} uploads already wait or run.
     *
     * @param what names the upload in the agent's log
     */
    synchronized Optional<String> start(String what, Upload upload) {
        if (tasks.values().stream().filter(state -> !state.status().finished()).count() >= MAX_UNFINISHED) {
            return Optional.empty();
        }
        String id = UUID.randomUUID().toString();
        tasks.put(id, new State(Status.NOT_STARTED, ""));
        workers.execute(() -> run(id, what, upload));
        return Optional.of(id);
    }

    private void run(String id, String what, Upload upload) {
        update(id, new State(Status.RUNNING, ""));
        try {
            upload.run();
            update(id, new State(Status.COMPLETED, ""));
            LOG.log(System.Logger.Level.INFO, what + " (task " + id + ") completed");
        } catch (Exception e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            update(id, new State(Status.FAILED, why.lines().findFirst().orElse("")));
            LOG.log(System.Logger.Level.WARNING, what + " (task " + id + ") failed: " + why);
        }
    }

    private synchronized void update(String id, State state) {
        tasks.put(id, state);
        long finished = tasks.values().stream().filter(s -> s.status().finished()).count();
        for (Iterator<State> oldest = tasks.values().iterator(); finished > KEPT && oldest.hasNext(); ) {
            if (oldest.next().status().finished()) {
                oldest.remove();
                finished--;
            }
        }
    }

    synchronized State state(String id) {
        return tasks.getOrDefault(id, new State(Status.UNKNOWN, "no upload has this correlationId here: it was never"
                + " started, or it is older than the last " + KEPT + " finished"));
    }

    /** The answer of the upload methods and of {@code GetTaskStatus}: 200 and the task's state. */
    TwinSession.MethodResponse answer(String id) {
        State state = state(id);
        return new TwinSession.MethodResponse(200, JSON.createObjectNode().put("status", state.status().wire)
                .put("message", state.message()).put("correlationId", id));
    }
}
