package io.eflow.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressLinesTest {

    @Test
    void onATerminalABarIsRedrawnUnderItsStepAndEndsBeforeTheNextStep() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ProgressLines progress = new ProgressLines(new PrintStream(out, true, StandardCharsets.UTF_8), true);
        long total = 200L << 20;

        progress.accept("writing rootfs.erofs into root-b.img");
        progress.bytes("writing rootfs.erofs into root-b.img", 50L << 20, total);
        progress.bytes("writing rootfs.erofs into root-b.img", 100L << 20, total);
        progress.accept("slot B is set on trial");

        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("writing rootfs.erofs into root-b.img\n"
                + "\r\033[K[#######-----------------------]  25%  50/200 MiB"
                + "\r\033[K[###############---------------]  50%  100/200 MiB\n"
                + "slot B is set on trial\n");
    }

    @Test
    void elsewhereOnlyTheStepLines() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ProgressLines progress = new ProgressLines(new PrintStream(out, true, StandardCharsets.UTF_8), false);

        progress.accept("writing slot B");
        progress.bytes("writing slot B", 10, 100);
        progress.accept("committed");

        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("writing slot B\ncommitted\n");
    }

    @Test
    void aFinishedStepEndsItsBarLine() {
        assertThat(ProgressLines.bar(276L << 20, 276L << 20)).isEqualTo("[##############################] 100%  276/276 MiB");
    }

    @Test
    void aToolsPhasesDrawTheBarWithThePhaseNamed() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ProgressLines progress = new ProgressLines(new PrintStream(out, true, StandardCharsets.UTF_8), true);

        progress.accept("base: building Debian bookworm with mmdebstrap");
        progress.phase("base", 2, 8, "downloading packages");
        progress.phase("base", 8, 8, "done");
        progress.accept("base: built in 27 s");

        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("base: building Debian bookworm with mmdebstrap\n"
                + "\r\033[K[#######-----------------------]  25%  2/8 downloading packages"
                + "\r\033[K[##############################] 100%  8/8 done\n"
                + "base: built in 27 s\n");
    }
}
