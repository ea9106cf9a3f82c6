package io.eflow.samples.base;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class LddOutputTest {
    @Test
    void readsTheDependenciesOfSeveralFiles() {
        String output = String.join("\n",
                "/opt/rt/bin/java:",
                "\tlinux-vdso.so.1 (0x00007ffc9b5f2000)",
                "\tlibz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x00007f2a8e999000)",
                "\tlibjli.so => /opt/rt/bin/../lib/libjli.so (0x00007f2a8e989000)",
                "\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f2a8e7a7000)",
                "\t/lib64/ld-linux-x86-64.so.2 (0x00007f2a8e9d1000)",
                "/opt/rt/lib/libjava.so:",
                "\tlibjvm.so => not found",
                "/opt/rt/lib/static.so:",
                "\tstatically linked",
                "");

        assertThat(LddOutput.parse(output)).containsExactly(
                new LddOutput.Dependency("libz.so.1", Optional.of(Path.of("/lib/x86_64-linux-gnu/libz.so.1"))),
                new LddOutput.Dependency("libjli.so", Optional.of(Path.of("/opt/rt/lib/libjli.so"))),
                new LddOutput.Dependency("libc.so.6", Optional.of(Path.of("/lib/x86_64-linux-gnu/libc.so.6"))),
                new LddOutput.Dependency("ld-linux-x86-64.so.2", Optional.of(Path.of("/lib64/ld-linux-x86-64.so.2"))),
                new LddOutput.Dependency("libjvm.so", Optional.empty()));
    }

    @Test
    void aSingleFileRunHasNoHeader() {
        assertThat(LddOutput.parse("\tlibm.so.6 => /lib/x86_64-linux-gnu/libm.so.6 (0x00007f11ef715000)\n"))
                .extracting(LddOutput.Dependency::name).containsExactly("libm.so.6");
    }
}
