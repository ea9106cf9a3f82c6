package io.eflow.guest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.eflow.contract.json.Mappers;
import io.eflow.contract.wire.ProvisioningState;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/** Writes the runtime status file atomically at a fixed interval, so a reader never sees half a file. */
final class StatusReporter {
    private final Path file;
    private final Duration interval;
    private final SystemSampler sampler;
    /** "starting" until the hub and the agent are up: a start takes a while in an emulated VM, and says so. */
    private volatile String status = "starting";
    private final ObjectMapper json = Mappers.standard();
    private volatile Supplier<ProvisioningState> iotHub = ProvisioningState::notProvisioned;

    StatusReporter(Path file, Duration interval, SystemSampler sampler) {
        this.file = file;
        this.interval = interval;
        this.sampler = sampler;
    }

    /** Where the link to IoT Hub's state comes from, once the link exists. */
    void iotHub(Supplier<ProvisioningState> state) {
        iotHub = state;
    }

    /** The hub and the agent are up. */
    void ready() {
        status = "running";
    }

    void run() throws IOException, InterruptedException {
        Instant started = Instant.now();
        Files.createDirectories(file.getParent());
        while (true) {
            write(new RuntimeStatus(RuntimeStatus.currentVersion(), status, ProcessHandle.current().pid(), started, Instant.now(),
                    sampler.sample(), iotHub.get()));
            Thread.sleep(interval.toMillis());
        }
    }

    void write(RuntimeStatus status) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        json.writeValue(temp.toFile(), status);
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
