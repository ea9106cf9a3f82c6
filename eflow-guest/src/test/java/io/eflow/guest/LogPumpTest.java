package io.eflow.guest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The guest's {@code log-pump} in front of svlogd. The svlogd here is a stand-in that stops reading, as the real one
 * does while a full /logs refuses its writes (the guest tests run the real one on a full disk); what is checked is
 * that the service writing its log is never held up, and what was lost is counted in the log once it takes lines again.
 */
class LogPumpTest {
    private static final Path LOG_PUMP = Path.of("src/overlay/usr/lib/eflow/bin/log-pump");

    @TempDir
    Path dir;

    @Test
    void aLogThatStopsTakingLinesDropsAndCountsThemAndNeverBlocksTheService() throws Exception {
        Path bin = Files.createDirectory(dir.resolve("bin"));
        Path svlogd = bin.resolve("svlogd");
        // stands still until told to go, then keeps what it reads in DIR/out: svlogd paused by a full disk, then resuming
        Files.writeString(svlogd, """
                #!/bin/sh
                dir=$2
                while [ ! -e "$dir/go" ]; do sleep 0.05; done
                exec cat > "$dir/out"
                """);
        Files.setPosixFilePermissions(svlogd, PosixFilePermissions.fromString("rwxr-xr-x"));
        ProcessBuilder builder = new ProcessBuilder("perl", LOG_PUMP.toString(), dir.toString());
        builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        Process pump = builder.redirectOutput(ProcessBuilder.Redirect.DISCARD).start();

        int lines = 5_000; // 100 bytes each: about eight times what the pipe to svlogd holds
        String line = "x".repeat(95);
        CompletableFuture<Void> service = CompletableFuture.runAsync(() -> {
            try (OutputStream out = pump.getOutputStream()) {
                for (int i = 0; i < lines; i++) {
                    out.write(String.format("%04d %s%n", i, line).getBytes(StandardCharsets.US_ASCII));
                }
                out.flush();
                Files.createFile(dir.resolve("go"));
                Thread.sleep(300); // svlogd reads again
                out.write("after the disk had room again\n".getBytes(StandardCharsets.US_ASCII));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        assertThat(service).as("the service's writes never wait for the log").succeedsWithin(Duration.ofSeconds(20));
        assertThat(pump.waitFor(20, TimeUnit.SECONDS)).isTrue();
        List<String> kept = Files.readAllLines(dir.resolve("out"));
        String note = kept.get(kept.size() - 2);
        assertThat(kept.get(kept.size() - 1)).isEqualTo("after the disk had room again");
        assertThat(note).matches("log-pump: [0-9]+ lines dropped: the log disk had no room for them");
        int dropped = Integer.parseInt(note.split(" ")[1]);
        List<String> passed = kept.subList(0, kept.size() - 2);
        assertThat(passed.size() + dropped).as("every line kept or counted").isEqualTo(lines);
        assertThat(dropped).isGreaterThan(lines / 2);
        for (int i = 0; i < passed.size(); i++) {
            assertThat(passed.get(i)).as("kept whole and in order").isEqualTo(String.format("%04d %s", i, line));
        }
    }
}
