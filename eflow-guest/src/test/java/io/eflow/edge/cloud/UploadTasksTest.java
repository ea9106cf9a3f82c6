package io.eflow.edge.cloud;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Uploads run in the background, wait their turn, and are remembered only so far: memory stays bounded. */
class UploadTasksTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static String status(UploadTasks tasks, String id) {
        return tasks.answer(id).payload().path("status").asText();
    }

    @Test
    void onlyTheLastHundredFinishedAreRememberedAndAFailureSaysWhy() {
        UploadTasks tasks = new UploadTasks();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i <= UploadTasks.KEPT; i++) {
            String id = tasks.start("upload " + i, () -> { }).orElseThrow();
            await().atMost(WAIT).pollInterval(Duration.ofMillis(5)).until(() -> status(tasks, id).equals("Completed"));
            ids.add(id);
        }
        assertThat(status(tasks, ids.get(0))).as("the oldest, the 101st finished ago").isEqualTo("Unknown");
        assertThat(status(tasks, ids.get(1))).isEqualTo("Completed");
        assertThat(status(tasks, ids.get(UploadTasks.KEPT))).isEqualTo("Completed");

        String failed = tasks.start("broken", () -> {
            throw new IllegalStateException("the container is gone\nsecond line");
        }).orElseThrow();
        await().atMost(WAIT).until(() -> status(tasks, failed).equals("Failed"));
        assertThat(tasks.answer(failed).payload().path("message").asText()).isEqualTo("the container is gone");
        assertThat(tasks.answer(failed).payload().path("correlationId").asText()).isEqualTo(failed);
    }

    @Test
    void twoRunTheOthersWaitAndTooManyUnfinishedAreRefused() throws Exception {
        UploadTasks tasks = new UploadTasks();
        CountDownLatch release = new CountDownLatch(1);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < UploadTasks.MAX_UNFINISHED; i++) {
            ids.add(tasks.start("slow " + i, release::await).orElseThrow());
        }
        await().atMost(WAIT).until(() -> ids.stream().filter(id -> status(tasks, id).equals("Running")).count() == 2);
        assertThat(ids.stream().filter(id -> status(tasks, id).equals("NotStarted"))).hasSize(UploadTasks.MAX_UNFINISHED - 2);
        assertThat(tasks.start("one too many", () -> { })).isEmpty();

        release.countDown();
        await().atMost(WAIT).until(() -> ids.stream().allMatch(id -> status(tasks, id).equals("Completed")));
        assertThat(tasks.start("room again", () -> { })).isPresent();
    }
}
