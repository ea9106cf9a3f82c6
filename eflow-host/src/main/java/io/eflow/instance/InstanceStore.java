package io.eflow.instance;

import io.eflow.instance.model.InstanceConfig;
import io.eflow.instance.model.InstanceLayout;
import io.eflow.platform.EflowException;
import io.eflow.platform.EflowPaths;
import io.eflow.platform.FileTrees;
import io.eflow.platform.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Instance configurations on disk. An instance exists once its config.json does and no deploy marker remains:
 * deploy drops the marker only after the first start worked, so a folder with a marker or without a
 * configuration is the remains of an interrupted deploy and is swept away.
 */
final class InstanceStore {
    private final EflowPaths paths;

    InstanceStore(EflowPaths paths) {
        this.paths = paths;
    }

    InstanceLayout layout(String name) {
        return InstanceLayout.of(paths, name);
    }

    static final String DEPLOYING = ".deploying";

    boolean exists(String name) {
        return complete(layout(name).state());
    }

    private static boolean complete(Path dir) {
        return Files.isRegularFile(dir.resolve("config.json")) && !Files.exists(dir.resolve(DEPLOYING));
    }

    InstanceConfig load(String name) {
        Path file = layout(name).configFile();
        if (!exists(name)) {
            throw EflowException.notFound("no instance named '" + name + "'; 'eflow list' shows the instances");
        }
        try {
            return Json.mapper().readValue(file.toFile(), InstanceConfig.class);
        } catch (IOException e) {
            throw EflowException.failure("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    void save(InstanceConfig config) {
        try {
            byte[] bytes = Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(config);
            FileTrees.write(layout(config.name()).configFile(), bytes, "rw-------");
        } catch (IOException e) {
            throw EflowException.failure("cannot write the configuration of " + config.name() + ": " + e.getMessage(), e);
        }
    }

    List<String> names() {
        if (!Files.isDirectory(paths.instances())) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(paths.instances())) {
            dirs.filter(InstanceStore::complete)
                    .map(dir -> dir.getFileName().toString())
                    .sorted()
                    .forEach(names::add);
        } catch (IOException e) {
            throw EflowException.failure("cannot list " + paths.instances() + ": " + e.getMessage(), e);
        }
        return names;
    }

    /** Marks a folder as being deployed; {@link #markDeployed} ends that. */
    void markDeploying(InstanceLayout layout) {
        FileTrees.write(layout.state().resolve(DEPLOYING), new byte[0], "rw-------");
    }

    void markDeployed(InstanceLayout layout) {
        try {
            Files.delete(layout.state().resolve(DEPLOYING));
        } catch (IOException e) {
            throw EflowException.failure("cannot finish the deploy of " + layout.name() + ": " + e.getMessage(), e);
        }
    }

    List<InstanceConfig> all() {
        return names().stream().map(this::load).toList();
    }

    /** Folders left by a deploy that never finished. */
    List<String> unfinished() {
        if (!Files.isDirectory(paths.instances())) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(paths.instances())) {
            return dirs.filter(Files::isDirectory)
                    .filter(dir -> !complete(dir))
                    .map(dir -> dir.getFileName().toString())
                    .toList();
        } catch (IOException e) {
            throw EflowException.failure("cannot list " + paths.instances() + ": " + e.getMessage(), e);
        }
    }
}
