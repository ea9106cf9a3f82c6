package io.eflow.edge.logs;

import io.eflow.edge.testing.TestClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.IntStream;

import static io.eflow.edge.logs.Logs.files;
import static io.eflow.edge.logs.Logs.read;
import static io.eflow.edge.logs.Logs.texts;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class LogReaderTest {
    private static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");
    @TempDir
    Path root;

    private final TestClock clock = new TestClock(T0);

    /** Events "event 000" … one second apart, starting at T0. */
    private ModuleLogs events(long maxFileBytes, int files, int count) {
        ModuleLogs logs = new ModuleLogs(root, maxFileBytes, files, clock);
        ModuleLog log = logs.open("m");
        for (int i = 0; i < count; i++) {
            log.event(String.format("event %03d", i));
            clock.advance(Duration.ofSeconds(1));
        }
        return logs;
    }

    private static List<String> events(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> String.format("event %03d", i)).toList();
    }

    @Test
    void tailReadsTheLastLinesAcrossRotatedFiles() throws IOException {
        ModuleLogs logs = events(1024, 5, 200);
        assertThat(files(root.resolve("m"))).containsExactly("1.log", "2.log", "3.log", "4.log", "current.log");
        long inCurrent = Files.readAllLines(root.resolve("m/current.log")).size();

        assertThat(texts(read(logs, "m", Query.all().withTail(50)))).containsExactlyElementsOf(events(150, 200));
        assertThat(inCurrent).isLessThan(50 / 2); // so the tail spans at least three files

        List<String> all = texts(read(logs, "m", Query.all()));
        assertThat(all).last().isEqualTo("event 199");
        assertThat(all).containsExactlyElementsOf(events(200 - all.size(), 200));
        assertThat(texts(read(logs, "m", Query.all().withTail(10_000)))).isEqualTo(all);
        assertThat(read(logs, "m", Query.all().withTail(0))).isEmpty();
        assertThat(texts(read(logs, "m", Query.all().withTail(1)))).containsExactly("event 199");
    }

    @Test
    void sinceKeepsTheLinesWrittenFromThatInstantOn() throws IOException {
        ModuleLogs logs = events(1024, 50, 200);
        Instant since = T0.plusSeconds(150);

        List<LogLine> lines = read(logs, "m", Query.all().withSince(since));
        assertThat(texts(lines)).containsExactlyElementsOf(events(150, 200));
        assertThat(lines.get(0).time()).isEqualTo(since);
        assertThat(texts(read(logs, "m", Query.all().withSince(since).withTail(10))))
                .containsExactlyElementsOf(events(190, 200));
        assertThat(texts(read(logs, "m", Query.all().withSince(T0.plusSeconds(195)).withTail(10))))
                .containsExactlyElementsOf(events(195, 200));
        assertThat(read(logs, "m", Query.all().withSince(T0.plusSeconds(1000)))).isEmpty();
        assertThat(read(logs, "m", Query.all().withSince(T0.plusSeconds(1000)).withTail(5))).isEmpty();
        assertThat(texts(read(logs, "m", Query.all().withSince(T0.minusSeconds(1)))))
                .containsExactlyElementsOf(events(0, 200));
        assertThat(texts(read(logs, "m", Query.all().withSince(Since.parse("10s", clock)))))
                .containsExactlyElementsOf(events(190, 200)); // the clock stands at T0 + 200 s
    }

    @Test
    void theStreamFilterAppliesBeforeTheTail() throws Exception {
        ModuleLogs logs = new ModuleLogs(root, 2048, 20, clock);
        ModuleLog log = logs.open("m");
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            out.append("out ").append(i).append('\n');
        }
        log.pump("stdout", new ByteArrayInputStream(out.toString().getBytes(UTF_8)));
        assertThat(log.awaitDrained(Duration.ofSeconds(10))).isTrue();
        log.event("restarted");

        assertThat(texts(read(logs, "m", Query.all().withStreams(Set.of("agent"))))).containsExactly("restarted");
        assertThat(texts(read(logs, "m", Query.all().withStreams(Set.of("stdout")).withTail(2))))
                .containsExactly("out 98", "out 99");
        assertThat(texts(read(logs, "m", Query.all().withStreams(Set.of("stderr"))))).isEmpty();
    }

    @Test
    void tailReadsBackwardsAndNeverTheWholeFile() {
        // 64 GiB of hole, then ten lines: reading the file from its start would take far longer than allowed.
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            Path dir = Files.createDirectories(root.resolve("m"));
            try (FileChannel file = FileChannel.open(dir.resolve("current.log"),
                    StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                StringBuilder lines = new StringBuilder("\n");
                for (int i = 0; i < 10; i++) {
                    lines.append(LineFormat.timestamp(T0.plusSeconds(i)))
                            .append(" stdout line ").append(i).append('\n');
                }
                file.write(ByteBuffer.wrap(lines.toString().getBytes(UTF_8)), 64L << 30);
            }
            ModuleLogs logs = new ModuleLogs(root, 1 << 20, 3);
            assertThat(texts(read(logs, "m", Query.all().withTail(3)))).containsExactly("line 7", "line 8", "line 9");
            assertThat(texts(read(logs, "m", Query.all().withTail(3).withSince(T0.plusSeconds(8)))))
                    .containsExactly("line 8", "line 9");
            List<LogLine> followed = new ArrayList<>();
            logs.read("m", Query.all().withTail(1).withFollow(true), followed::add, () -> followed.size() < 1);
            assertThat(texts(followed)).containsExactly("line 9");
        });
    }

    @Test
    void aLineBeingWrittenIsLeftForLaterWhenReadingAndEmittedOnceWhenFollowing() throws Exception {
        Path dir = Files.createDirectories(root.resolve("m"));
        Path current = dir.resolve("current.log");
        String content = LineFormat.timestamp(T0) + " stdout whole\n" + LineFormat.timestamp(T0) + " stdout hal";
        Files.writeString(current, content);
        ModuleLogs logs = new ModuleLogs(root, 1 << 20, 3);

        assertThat(texts(read(logs, "m", Query.all()))).containsExactly("whole");
        assertThat(texts(read(logs, "m", Query.all().withTail(5)))).containsExactly("whole");

        for (Query query : List.of(Query.all().withFollow(true), Query.all().withTail(1).withFollow(true))) {
            Files.writeString(current, content);
            List<LogLine> seen = new CopyOnWriteArrayList<>();
            Follower follower = Follower.start(logs, query, seen::add, () -> seen.size() < 2);
            awaitSize(seen, 1);
            Thread.sleep(150);
            assertThat(texts(seen)).containsExactly("whole");
            Files.writeString(current, "f\n", StandardOpenOption.APPEND);
            awaitSize(seen, 2);
            follower.join();
            assertThat(texts(seen)).containsExactly("whole", "half");
        }
    }

    @Test
    void followSeesEachNewLineOnceAndInOrder() throws Exception {
        ModuleLogs logs = new ModuleLogs(root, 1 << 20, 3);
        ModuleLog log = logs.open("m");
        log.event("old");
        List<LogLine> seen = new CopyOnWriteArrayList<>();
        Follower follower = Follower.start(logs, Query.all().withTail(0).withFollow(true), seen::add, () -> true);
        Thread.sleep(300);
        assertThat(seen).isEmpty();

        // each line is seen before the next is written (how soon is bench/responsiveness.sh's figure)
        for (int i = 0; i < 5; i++) {
            log.event("new " + i);
            awaitSize(seen, i + 1);
            assertThat(seen).hasSize(i + 1);
            Thread.sleep(37);
        }
        follower.stop();
        assertThat(texts(seen)).containsExactly("new 0", "new 1", "new 2", "new 3", "new 4");
    }

    @Test
    void followAcrossRotationsEmitsEveryLineOnceInOrder() throws Exception {
        ModuleLogs logs = new ModuleLogs(root, 16 * 1024, 10);
        ModuleLog log = logs.open("m");
        int count = 10_000;
        List<LogLine> fromStart = new CopyOnWriteArrayList<>();
        List<LogLine> fromTail = new CopyOnWriteArrayList<>();
        Follower first = Follower.start(logs, Query.all().withFollow(true), fromStart::add, () -> true);
        Follower second = null;
        for (int i = 0; i < count; i++) {
            log.event(String.format("line %05d", i));
            if (i % 10 == 9) {
                Thread.sleep(1); // about ten lines a millisecond: the ten files hold several polls' worth
            }
            if (i == 2999) {
                second = Follower.start(logs, Query.all().withTail(100).withFollow(true), fromTail::add, () -> true);
                awaitSize(fromTail, 100); // its tail is lines 2900 to 2999
            }
        }
        awaitSize(fromStart, count);
        awaitSize(fromTail, count - 2900);
        Thread.sleep(250); // anything more would be a duplicate
        first.stop();
        second.stop();

        assertThat(files(root.resolve("m"))).hasSize(10);
        assertThat(read(logs, "m", Query.all()).size()).as("lines the cap keeps").isLessThan(count / 2);
        List<String> expected = IntStream.range(0, count).mapToObj(i -> String.format("line %05d", i)).toList();
        assertThat(texts(fromStart)).containsExactlyElementsOf(expected);
        assertThat(texts(fromTail)).containsExactlyElementsOf(expected.subList(2900, count));
    }

    @Test
    void followStopsWhenAskedWhenInterruptedAndWhenTheLogsAreRemoved() throws Exception {
        ModuleLogs logs = new ModuleLogs(root, 1 << 20, 3);
        logs.open("m").event("one");
        Query follow = Query.all().withFollow(true);

        AtomicBoolean keepGoing = new AtomicBoolean(true);
        Follower asked = Follower.start(logs, follow, line -> { }, keepGoing::get);
        Follower interrupted = Follower.start(logs, follow, line -> { }, () -> true);
        Follower removed = Follower.start(logs, follow, line -> { }, () -> true);
        Thread.sleep(200);
        assertThat(asked.thread.isAlive()).isTrue();

        keepGoing.set(false);
        asked.join();
        interrupted.thread.interrupt();
        interrupted.join();
        logs.remove("m");
        removed.join();
        for (Follower follower : List.of(asked, interrupted, removed)) {
            assertThat(follower.failure.get()).isNull();
        }
    }

    @Test
    void aConsumerThatThrowsEndsTheRead() throws IOException {
        ModuleLogs logs = events(1 << 20, 3, 10);
        List<LogLine> seen = new ArrayList<>();
        Consumer<LogLine> out = line -> {
            if (seen.size() == 3) {
                throw new IllegalStateException("client went away");
            }
            seen.add(line);
        };
        assertThatThrownBy(() -> logs.read("m", Query.all().withFollow(true), out))
                .isInstanceOf(IllegalStateException.class).hasMessage("client went away");
        assertThat(seen).hasSize(3);
    }

    @Test
    void followingAModuleWithoutFilesYetWaitsForThem() throws Exception {
        Files.createDirectories(root.resolve("m"));
        ModuleLogs logs = new ModuleLogs(root, 1 << 20, 3);
        List<LogLine> seen = new CopyOnWriteArrayList<>();
        Follower follower = Follower.start(logs, Query.all().withTail(10).withFollow(true), seen::add, () -> true);
        Thread.sleep(150);
        logs.open("m").event("first");
        awaitSize(seen, 1);
        follower.stop();
        assertThat(texts(seen)).containsExactly("first");
        assertThat(read(logs, "m", Query.all().withTail(3))).hasSize(1);
    }

    private static void awaitSize(List<?> list, int size) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (list.size() < size && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(list.size()).as("lines seen").isGreaterThanOrEqualTo(size);
    }

    /** A {@code read} with follow on a thread of its own. */
    private static final class Follower {
        final Thread thread;
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final AtomicBoolean running = new AtomicBoolean(true);

        private Follower(ModuleLogs logs, Query query, Consumer<LogLine> out, BooleanSupplier keepGoing) {
            thread = new Thread(() -> {
                try {
                    logs.read("m", query, out, () -> running.get() && keepGoing.getAsBoolean());
                } catch (Throwable e) {
                    failure.set(e);
                }
            }, "follower");
            thread.setDaemon(true);
        }

        static Follower start(ModuleLogs logs, Query query, Consumer<LogLine> out, BooleanSupplier keepGoing) {
            Follower follower = new Follower(logs, query, out, keepGoing);
            follower.thread.start();
            return follower;
        }

        void stop() throws InterruptedException {
            running.set(false);
            join();
        }

        void join() throws InterruptedException {
            thread.join(Duration.ofSeconds(5).toMillis());
            assertThat(thread.isAlive()).as("follower still running").isFalse();
            assertThat(failure.get()).isNull();
        }
    }
}
