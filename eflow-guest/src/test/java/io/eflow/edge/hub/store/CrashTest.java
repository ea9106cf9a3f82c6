package io.eflow.edge.hub.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * kill -9 of a hub in full flow: producers appending, a consumer acknowledging, segments rolling, cursors being
 * saved. After reopening, every message whose append had completed is there for every endpoint that had not
 * acknowledged it.
 */
class CrashTest {
    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedMessageIsDeliveredAfterTheProcessIsKilled() throws Exception {
        Set<Integer> acked = ConcurrentHashMap.newKeySet();
        Set<Integer> deliveredBefore = ConcurrentHashMap.newKeySet();
        Process child = new ProcessBuilder(ChildJvm.command("crash", dir.toString()))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    String[] words = line.split(" ");
                    if (words.length == 2 && words[0].equals("acked")) {
                        acked.add(Integer.parseInt(words[1]));
                    } else if (words.length == 2 && words[0].equals("delivered")) {
                        deliveredBefore.add(Integer.parseInt(words[1]));
                    }
                }
            } catch (Exception e) {
                // the pipe ends with the process
            }
        });
        reader.start();
        try {
            await().atMost(Duration.ofSeconds(8)).until(() -> acked.size() >= 4000 && !deliveredBefore.isEmpty());
        } finally {
            child.toHandle().destroyForcibly();
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
        reader.join(5000);
        assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);

        try (LogMessageStore store = LogMessageStore.open(StoreConfig.in(dir).withMaxBytes(64 << 20, 64 << 10))) {
            List<Delivery> toB = Messages.take(store.queue("b"));
            Set<Integer> b = new HashSet<>(Messages.ids(toB));
            Set<Integer> a = new HashSet<>(Messages.ids(Messages.take(store.queue("a"))));

            assertThat(b).as("every acknowledged message is still there for b").containsAll(acked);
            Set<Integer> missingForA = new HashSet<>(acked);
            missingForA.removeAll(a);
            missingForA.removeAll(deliveredBefore);
            assertThat(missingForA).as("acknowledged messages neither delivered to a before the kill nor after").isEmpty();

            Map<String, List<Integer>> bySource = toB.stream().collect(
                    Collectors.groupingBy(Delivery::source, Collectors.mapping(Messages::id, Collectors.toList())));
            assertThat(bySource).hasSize(StoreChild.PRODUCERS);
            bySource.forEach((source, ids) -> assertThat(ids).as("order of %s", source).isSorted());
            assertThat(store.metrics().segments()).isGreaterThan(1);
        }
    }
}
