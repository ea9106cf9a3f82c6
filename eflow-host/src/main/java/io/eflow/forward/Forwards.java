package io.eflow.forward;

import com.fasterxml.jackson.core.type.TypeReference;
import io.eflow.daemon.api.InstanceSummary;
import io.eflow.instance.InstanceManager;
import io.eflow.platform.EflowException;
import io.eflow.platform.FileTrees;
import io.eflow.platform.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The daemon's forwards, per instance: what {@code eflow forward add} asked for, kept in the instance's state
 * folder so the daemon brings them back when it starts, and active while the daemon runs (a forward into a stopped
 * guest refuses its connections; one to the host is requested again at each guest start).
 *
 * <p>Adding is all or nothing: the host side is bound (or the guest's sshd grants the port) before the forward is
 * saved, and a failure leaves neither.
 */
public final class Forwards implements AutoCloseable {
    static final String FILE = "forwards.json";
    private static final Logger LOG = LoggerFactory.getLogger(Forwards.class);
    private final InstanceManager instances;
    private final ExecutorService threads;
    private final Map<String, Map<Forward, AutoCloseable>> active = new LinkedHashMap<>();

    public Forwards(InstanceManager instances) {
        this.instances = instances;
        AtomicInteger count = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "forward-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Activates the forwards every instance had saved; one that cannot be (its port is taken now) is logged. */
    public synchronized void restore() {
        for (InstanceSummary instance : instances.list()) {
            for (Forward forward : saved(instance.name())) {
                try {
                    active.computeIfAbsent(instance.name(), name -> new LinkedHashMap<>()).put(forward, activate(instance.name(), forward));
                } catch (RuntimeException e) {
                    // one forward that cannot be restored must not keep the daemon, or the other forwards, from starting
                    LOG.warn("{}: forward {} is saved but inactive: {}", instance.name(), forward, e.getMessage());
                }
            }
        }
    }

    public synchronized List<Forward> add(String nameOrNull, Forward forward) {
        String name = instances.resolveName(nameOrNull);
        List<Forward> all = new ArrayList<>(saved(name));
        if (all.contains(forward)) {
            // saved but perhaps inactive (its port was taken when the daemon started): still one forward, not two
            throw EflowException.conflict("instance '" + name + "' already has the forward " + forward);
        }
        refuseClash(name, forward);
        AutoCloseable handle = activate(name, forward);
        all.add(forward);
        try {
            save(name, all);
        } catch (RuntimeException e) {
            closeQuietly(name, forward, handle);
            throw e;
        }
        active.computeIfAbsent(name, key -> new LinkedHashMap<>()).put(forward, handle);
        return all;
    }

    public synchronized List<Forward> remove(String nameOrNull, Forward forward) {
        String name = instances.resolveName(nameOrNull);
        List<Forward> all = new ArrayList<>(saved(name));
        if (!all.remove(forward)) {
            throw EflowException.notFound("instance '" + name + "' has no forward " + forward);
        }
        save(name, all);
        AutoCloseable handle = active.getOrDefault(name, Map.of()).get(forward);
        if (handle != null) {
            active.get(name).remove(forward);
            closeQuietly(name, forward, handle);
        }
        return all;
    }

    public synchronized List<Forward> list(String nameOrNull) {
        return saved(instances.resolveName(nameOrNull));
    }

    /** The instance is gone: its forwards end (their file went with its state folder). */
    public synchronized void forget(String name) {
        Map<Forward, AutoCloseable> handles = active.remove(name);
        if (handles != null) {
            handles.forEach((forward, handle) -> closeQuietly(name, forward, handle));
        }
    }

    /** Ends every active forward; the saved ones come back with the next daemon. */
    @Override
    public synchronized void close() {
        List.copyOf(active.keySet()).forEach(name -> {
            Map<Forward, AutoCloseable> handles = active.remove(name);
            handles.forEach((forward, handle) -> closeQuietly(name, forward, handle));
        });
        threads.shutdownNow();
    }

    /** A host side serves one forward on the whole host; a guest port, one forward to the host per instance. */
    private void refuseClash(String name, Forward forward) {
        active.forEach((instance, handles) -> handles.keySet().forEach(existing -> {
            boolean sameHostSide = forward.direction() == Forward.Direction.INTO_GUEST
                    && existing.direction() == Forward.Direction.INTO_GUEST && existing.host().equals(forward.host());
            boolean sameGuestPort = instance.equals(name) && forward.direction() == Forward.Direction.TO_HOST
                    && existing.direction() == Forward.Direction.TO_HOST && existing.guestPort() == forward.guestPort();
            if (sameHostSide || sameGuestPort) {
                throw EflowException.conflict("instance '" + instance + "' already has the forward " + existing);
            }
        }));
    }

    private AutoCloseable activate(String name, Forward forward) {
        if (forward.direction() == Forward.Direction.TO_HOST) {
            int hostPort = forward.hostSide().port();
            instances.forwardToHost(name, forward.guestPort(), hostPort);
            return () -> instances.stopForwardToHost(name, forward.guestPort(), hostPort);
        }
        return HostListener.open(forward, port -> instances.tunnel(name, port), threads);
    }

    private List<Forward> saved(String name) {
        Path file = instances.stateFolder(name).resolve(FILE);
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            return Json.MAPPER.readValue(Files.readAllBytes(file), new TypeReference<List<Forward>>() { });
        } catch (IOException | RuntimeException e) {
            throw EflowException.failure("the forwards of instance '" + name + "' are unreadable (" + file + "): "
                    + e.getMessage(), e);
        }
    }

    private void save(String name, List<Forward> forwards) {
        FileTrees.write(instances.stateFolder(name).resolve(FILE), Json.write(forwards), "rw-------");
    }

    private static void closeQuietly(String name, Forward forward, AutoCloseable handle) {
        try {
            handle.close();
        } catch (Exception e) {
            LOG.warn("{}: ending forward {}: {}", name, forward, e.getMessage());
        }
    }
}
