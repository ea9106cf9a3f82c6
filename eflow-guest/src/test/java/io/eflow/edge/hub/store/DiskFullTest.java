package io.eflow.edge.hub.store;

import io.eflow.edge.testing.SmallDisk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;

import static io.eflow.edge.hub.store.Messages.drain;
import static io.eflow.edge.hub.store.Messages.message;
import static io.eflow.edge.hub.store.Messages.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The store on a partition that something else fills: a real 1 MiB disk ({@link SmallDisk}).
 */
class DiskFullTest {
    private static final Destination UPSTREAM = Destination.of("$upstream");

    @TempDir
    Path temp;
    private SmallDisk smallDisk;
    private Path disk;

    @BeforeEach
    void mountSmallDisk() throws Exception {
        smallDisk = SmallDisk.mount(temp.resolve("disk"), "1m");
        disk = smallDisk.path();
    }

    @AfterEach
    void unmount() throws Exception {
        smallDisk.close();
    }

    @Test
    void aFullDiskRefusesWithTheReasonKeepsWhatWasAcceptedAndResumesWhenSpaceIsBack() throws Exception {
        StoreConfig config = StoreConfig.in(disk.resolve("store")).withMaxBytes(16 << 20, 64 << 10);
        Files.createDirectories(config.directory());
        int accepted = 0;
        try (LogMessageStore store = LogMessageStore.open(config)) {
            // a few KiB left, so the store can still start its next write
            Path filler = smallDisk.fill(3 * 4096);
            Messages.Refused refused = Messages.appendUntilRefused(store, UPSTREAM);
            accepted = refused.accepted();
            Throwable refusal = refused.refusal();
            assertThat(refusal).isInstanceOf(DiskFullException.class).hasMessageContaining("is full")
                    .hasMessageContaining(config.directory().toString());
            assertThatThrownBy(() -> store.append(message(-1), List.of(UPSTREAM)).join())
                    .as("refused at once until the next try").hasCauseInstanceOf(DiskFullException.class);

            Files.delete(filler);
            int resumed = accepted;
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
                try {
                    store.append(message(resumed), List.of(UPSTREAM)).join();
                    return true;
                } catch (CompletionException e) {
                    assertThat(e.getCause()).isInstanceOf(DiskFullException.class);
                    return false;
                }
            });
            accepted++;
            Messages.append(store, accepted, accepted + 20, UPSTREAM);
            accepted += 20;
        }
        try (LogMessageStore reopened = LogMessageStore.open(config)) {
            assertThat(drain(reopened.queue("$upstream"))).as("every acknowledged message, in order, none torn")
                    .isEqualTo(range(0, accepted));
            assertThat(reopened.metrics().endpoints().get("$upstream").unreadable()).isZero();
        }
    }
}
