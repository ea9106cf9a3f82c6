package io.eflow.image;

import io.eflow.platform.Exec;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

class MmdebstrapPhasesTest {

    @Test
    void mmdebstrapsInfoLinesBecomeNumberedPhasesAndTheRestIsSkipped() {
        // the stderr of a real mmdebstrap 1.3 run, in order
        String stderr = """
                I: chroot architecture amd64 is equal to the host's architecture
                I: finding correct signed-by value...
                I: using /tmp/mmdebstrap.wrDj5NlRIg as tempdir
                I: running apt-get update...
                I: downloading packages with apt...
                I: extracting archives...
                I: installing essential packages...
                I: running --essential-hook in shell: sh -c 'mkdir -p "$1/usr/share/man/man1"' exec /tmp/mmdebstrap.wrDj5NlRIg
                I: installing remaining packages inside the chroot...
                I: cleaning package lists and apt cache...
                I: creating tarball...
                I: done
                I: removing tempdir /tmp/mmdebstrap.wrDj5NlRIg...
                I: success in 27.1941 seconds
                W: a warning
                """;
        // through Exec, as DebianBase reads it: each stderr line as the tool writes it
        List<MmdebstrapPhases.Phase> phases = new CopyOnWriteArrayList<>();
        Exec.of("sh", "-c", "printf '%s' \"$0\" >&2", stderr)
                .onStderrLine(line -> MmdebstrapPhases.of(line).ifPresent(phases::add))
                .check();

        assertThat(phases).extracting(MmdebstrapPhases.Phase::number).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(phases.get(1).name()).isEqualTo("downloading packages");
        assertThat(phases).last().extracting(MmdebstrapPhases.Phase::number).isEqualTo(MmdebstrapPhases.COUNT);
    }
}
