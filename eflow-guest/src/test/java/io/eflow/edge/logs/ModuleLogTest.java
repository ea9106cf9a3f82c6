package io.eflow.edge.logs;

import io.eflow.edge.testing.TestClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.stream.IntStream;

import static io.eflow.edge.logs.Logs.files;
import static io.eflow.edge.logs.Logs.read;
import static io.eflow.edge.logs.Logs.texts;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ModuleLogTest {
    private static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");
    @TempDir
    Path root;

    private final TestClock clock = new TestClock(T0);

    private ModuleLogs logs(long maxFileBytes, int files) {
        return new ModuleLogs(root, maxFileBytes, files, clock);
    }

    private static InputStream bytes(String text) {
        return new ByteArrayInputStream(text.getBytes(UTF_8));
    }

    private static void drain(ModuleLog log) {
        assertThat(log.awaitDrained(Duration.ofSeconds(30))).as("pumps drained").isTrue();
    }

    @Test
    void linesAreStoredWithTheirInstantAndStream() throws IOException {
        ModuleLogs logs = logs(1 << 20, 3);
        ModuleLog log = logs.open("tempSensor");
        log.event("started, pid 42");
        clock.advance(Duration.ofMillis(1500));
        log.attach(bytes("hello\n"), null);
        drain(log);
        clock.advance(Duration.ofMillis(1));
        log.attach(null, bytes("oops\n"));
        drain(log);

        assertThat(root.resolve("tempSensor/current.log")).hasContent(
                "2024-05-01T12:00:00.000Z agent started, pid 42\n"
                        + "2024-05-01T12:00:01.500Z stdout hello\n"
                        + "2024-05-01T12:00:01.501Z stderr oops\n");
        assertThat(read(logs, "tempSensor", Query.all())).containsExactly(
                new LogLine(T0, "agent", "started, pid 42"),
                new LogLine(T0.plusMillis(1500), "stdout", "hello"),
                new LogLine(T0.plusMillis(1501), "stderr", "oops"));
    }

    @Test
    void anEventOfSeveralLinesIsStoredAsSeveralLines() throws IOException {
        ModuleLogs logs = logs(1 << 20, 3);
        logs.open("m").event("exited with 1\r\nrestarting in 10 s\n");
        assertThat(texts(read(logs, "m", Query.all()))).containsExactly("exited with 1", "restarting in 10 s");
    }

    @Test
    void aLineLongerThan16KiBIsSplitAndALineOfExactly16KiBIsNot() throws IOException {
        ModuleLogs logs = logs(1 << 20, 3);
        ModuleLog log = logs.open("m");
        String exact = "x".repeat(16 * 1024);
        log.pump("stdout", bytes("a".repeat(40_000) + "\n" + exact + "\nafter\n"));
        drain(log);

        assertThat(texts(read(logs, "m", Query.all()))).containsExactly(
                "a".repeat(16384), "a".repeat(16384), "a".repeat(40_000 - 2 * 16384), exact, "after");
    }

    @Test
    void aSplitNeverCutsAUtf8Character() throws IOException {
        ModuleLogs logs = logs(1 << 20, 3);
        ModuleLog log = logs.open("m");
        // é is 2 bytes, € 3 and 😀 4: each straddles the 16 KiB boundary.
        String twoBytes = "a".repeat(16383) + "é" + "b";
        String threeBytes = "a".repeat(16382) + "€" + "c";
        String fourBytes = "a".repeat(16381) + "😀" + "d";
        log.pump("stdout", bytes(twoBytes + "\n" + threeBytes + "\n" + fourBytes + "\n"));
        drain(log);

        assertThat(texts(read(logs, "m", Query.all()))).containsExactly(
                "a".repeat(16383), "éb", "a".repeat(16382), "€c", "a".repeat(16381), "😀d");
    }

    @Test
    void aLastLineWithoutNewlineIsKeptAndEmptyLinesToo() throws IOException {
        ModuleLogs logs = logs(1 << 20, 3);
        ModuleLog log = logs.open("m");
        log.pump("stdout", bytes("first\n\n\nlast without newline"));
        drain(log);

        assertThat(texts(read(logs, "m", Query.all()))).containsExactly("first", "", "", "last without newline");
    }

    @Test
    void bytesThatAreNotUtf8BecomeReplacementCharacters() throws IOException {
        ModuleLogs logs = logs(1 << 20, 3);
        ModuleLog log = logs.open("m");
        log.pump("stdout", new ByteArrayInputStream(new byte[] {'o', 'k', (byte) 0xff, (byte) 0xc3, '!', '\n'}));
        drain(log);

        assertThat(texts(read(logs, "m", Query.all()))).containsExactly("ok\uFFFD\uFFFD!");
    }

    @Test
    void rotationKeepsTheCapAndTheNewestLinesInOrder() throws IOException {
        ModuleLogs logs = new ModuleLogs(root, 64 * 1024, 3);
        ModuleLog log = logs.open("chatty");
        ByteArrayOutputStream input = new ByteArrayOutputStream();
        int count = 0;
        while (input.size() < 10_000_000) {
            input.writeBytes(String.format("line %07d %s%n", count++, "p".repeat(88)).getBytes(UTF_8));
        }
        log.pump("stdout", new ByteArrayInputStream(input.toByteArray()));
        drain(log);
        log.close();

        Path dir = root.resolve("chatty");
        assertThat(files(dir)).containsExactly("1.log", "2.log", "current.log");
        long total = 0;
        for (String file : files(dir)) {
            long size = Files.size(dir.resolve(file));
            assertThat(size).as(file).isPositive().isLessThanOrEqualTo(64 * 1024);
            total += size;
        }
        assertThat(total).isGreaterThan(2 * 64 * 1024).isLessThanOrEqualTo(3 * 64 * 1024);

        List<String> lines = texts(read(logs, "chatty", Query.all()));
        int first = count - lines.size();
        assertThat(first).isPositive();
        assertThat(lines).hasSizeGreaterThan(1000);
        for (int i = 0; i < lines.size(); i++) {
            assertThat(lines.get(i)).isEqualTo(String.format("line %07d %s", first + i, "p".repeat(88)));
        }
        // Rotation moved whole lines: every file starts with a line's beginning.
        for (String file : files(dir)) {
            assertThat(Files.readString(dir.resolve(file))).startsWith("20").endsWith("\n");
        }
    }

    @Test
    void aSingleFileCapStillRotates() throws IOException {
        ModuleLogs logs = logs(1024, 1);
        ModuleLog log = logs.open("m");
        for (int i = 0; i < 200; i++) {
            log.event("event " + i);
        }
        assertThat(files(root.resolve("m"))).containsExactly("current.log");
        assertThat(root.resolve("m/current.log").toFile().length()).isLessThanOrEqualTo(1024);
        List<String> lines = texts(read(logs, "m", Query.all()));
        assertThat(lines).isNotEmpty().last().isEqualTo("event 199");
    }

    @Test
    void eachStreamKeepsItsOrderWhenBothWriteAtOnce() throws Exception {
        ModuleLogs logs = logs(8 * 1024, 1000);
        ModuleLog log = logs.open("m");
        PipedOutputStream stdout = new PipedOutputStream();
        PipedOutputStream stderr = new PipedOutputStream();
        log.attach(new PipedInputStream(stdout, 4096), new PipedInputStream(stderr, 4096));
        Thread out = writer(stdout, "out", 5000);
        Thread err = writer(stderr, "err", 5000);
        out.join();
        err.join();
        drain(log);

        List<LogLine> lines = read(logs, "m", Query.all());
        assertThat(lines).hasSize(10_000);
        assertThat(texts(lines.stream().filter(l -> l.stream().equals("stdout")).toList()))
                .containsExactlyElementsOf(IntStream.range(0, 5000).mapToObj(i -> "out " + i).toList());
        assertThat(texts(lines.stream().filter(l -> l.stream().equals("stderr")).toList()))
                .containsExactlyElementsOf(IntStream.range(0, 5000).mapToObj(i -> "err " + i).toList());
    }

    private static Thread writer(OutputStream to, String prefix, int lines) {
        Thread thread = new Thread(() -> {
            try (to) {
                for (int i = 0; i < lines; i++) {
                    to.write((prefix + " " + i + "\n").getBytes(UTF_8));
                    if (i % 7 == 0) {
                        to.flush();
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        thread.start();
        return thread;
    }

    @Test
    void aRealProcessIsPumpedEndToEnd() throws Exception {
        ModuleLogs logs = new ModuleLogs(root, 16 * 1024, 100);
        ModuleLog log = logs.open("sh");
        Process process = new ProcessBuilder("/bin/sh", "-c",
                "for i in $(seq 1 2000); do echo out $i; echo err $i >&2; done").start();
        process.getOutputStream().close();
        log.event("started, pid " + process.pid());
        log.attach(process.getInputStream(), process.getErrorStream());
        assertThat(process.waitFor()).isZero();
        log.event("exited with 0");
        log.close();

        List<LogLine> lines = read(logs, "sh", Query.all());
        assertThat(lines).hasSize(4002);
        assertThat(lines.get(0).text()).startsWith("started, pid ");
        assertThat(lines.get(0).stream()).isEqualTo("agent");
        assertThat(texts(lines.stream().filter(l -> l.stream().equals("stdout")).toList()))
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 2000).mapToObj(i -> "out " + i).toList());
        assertThat(texts(lines.stream().filter(l -> l.stream().equals("stderr")).toList()))
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 2000).mapToObj(i -> "err " + i).toList());
        assertThat(texts(read(logs, "sh", Query.all().withStreams(Set.of("stderr"))))).hasSize(2000);
        assertThat(files(root.resolve("sh")).size()).isGreaterThan(1);
        for (int i = 1; i < lines.size(); i++) {
            assertThat(lines.get(i).time()).isAfterOrEqualTo(lines.get(i - 1).time());
        }
    }

    @Test
    void aFullDiskCostsLinesButNeverBlocksTheModuleAndWritingResumes() throws IOException {
        Path devFull = Path.of("/dev/full");
        assumeTrue(Files.exists(devFull), "/dev/full is needed to fill a disk");
        Path dir = Files.createDirectories(root.resolve("m"));
        Files.createSymbolicLink(dir.resolve("current.log"), devFull);
        ModuleLogs logs = logs(1 << 20, 3);
        ModuleLog log = logs.open("m");

        log.pump("stdout", bytes("a\nb\nc\n"));
        drain(log);
        log.event("d");
        assertThat(log.lostLines()).isEqualTo(4);
        assertThat(log.writeErrors()).isEqualTo(2);

        Files.delete(dir.resolve("current.log"));
        log.event("space again");
        assertThat(texts(read(logs, "m", Query.all()))).containsExactly("space again");
        assertThat(log.lostLines()).isEqualTo(4);
    }

    @Test
    void aReopenedLogAppendsAndEndsALineACrashTore() throws IOException {
        ModuleLogs logs = logs(1 << 20, 3);
        logs.open("m").event("before the crash");
        logs.close();
        Files.writeString(root.resolve("m/current.log"), "2024-05-01T12:00:00.000Z stdout torn",
                StandardOpenOption.APPEND);

        ModuleLogs again = logs(1 << 20, 3);
        again.open("m").event("after the restart");
        assertThat(texts(read(again, "m", Query.all())))
                .containsExactly("before the crash", "torn", "after the restart");
    }

    @Test
    void reopeningWithFewerFilesDropsTheOldestAndAnInterruptedRotationIsFinished() throws IOException {
        Path dir = Files.createDirectories(root.resolve("m"));
        for (int i = 1; i <= 5; i++) {
            String line = LineFormat.timestamp(T0.plusSeconds(6 - i)) + " stdout file " + i + "\n";
            Files.writeString(dir.resolve(i + ".log"), line);
        }
        Files.createFile(dir.resolve("next.log")); // the crash came after current.log became 1.log
        logs(1 << 20, 3).open("m").event("new");

        assertThat(files(dir)).containsExactly("1.log", "2.log", "current.log");
        assertThat(texts(read(logs(1 << 20, 3), "m", Query.all()))).containsExactly("file 2", "file 1", "new");
    }

    @Test
    void closeWaitsForThePumpsAndLaterLinesAreCountedLost() throws IOException {
        ModuleLogs logs = logs(1 << 20, 3);
        ModuleLog log = logs.open("m");
        log.pump("stdout", bytes("x\n".repeat(10_000)));
        log.close();
        assertThat(read(logs, "m", Query.all())).hasSize(10_000);

        log.event("too late");
        assertThat(log.lostLines()).isEqualTo(1);
        assertThat(logs.open("m")).isNotSameAs(log);
    }

    @Test
    void removingAModuleDeletesItsFolder() throws IOException {
        ModuleLogs logs = logs(1024, 3);
        ModuleLog log = logs.open("gone");
        for (int i = 0; i < 100; i++) {
            log.event("event " + i);
        }
        logs.open("kept").event("stays");
        assertThat(logs.modules()).containsExactly("gone", "kept");

        logs.remove("gone");
        assertThat(root.resolve("gone")).doesNotExist();
        assertThat(logs.modules()).containsExactly("kept");
        assertThatThrownBy(() -> read(logs, "gone", Query.all()))
                .isInstanceOf(NoSuchElementException.class).hasMessage("module 'gone' has no logs");
        logs.remove("never there");
    }

    @Test
    void aModuleNameNeverLeavesTheRoot() {
        ModuleLogs logs = logs(1024, 3);
        for (String name : List.of("", ".", "..", "../etc", "a/b", "a\\b", "a\nb")) {
            assertThatThrownBy(() -> logs.open(name)).as(name).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(logs.folder("$edgeAgent")).isEqualTo(root.resolve("$edgeAgent"));
        assertThatThrownBy(() -> logs.open("m").pump("std out", bytes("")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ModuleLogs(root, 0, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ModuleLogs(root, 1024, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void pumpedStreamsAreClosedOnceDrained() throws IOException {
        List<String> closed = new ArrayList<>();
        InputStream in = new ByteArrayInputStream("a\n".getBytes(UTF_8)) {
            @Override
            public void close() {
                closed.add("closed");
            }
        };
        ModuleLog log = logs(1024, 3).open("m");
        log.pump("stdout", in);
        drain(log);
        assertThat(closed).containsExactly("closed");
    }
}
