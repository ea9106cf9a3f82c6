package io.eflow.samples.base;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What `ldd FILE...` says a set of ELF files loads. Each dependency line is one of
 * <pre>
 *     libz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x00007f...)
 *     /lib64/ld-linux-x86-64.so.2 (0x00007f...)      the dynamic loader, named by its path
 *     libjvm.so => not found
 *     linux-vdso.so.1 (0x00007f...)                  the kernel's, no file
 * </pre>
 * Header lines ("FILE:") and "statically linked" carry no dependency.
 */
final class LddOutput {
    /** One dependency: its soname and the file the loader found, empty when ldd found none. */
    record Dependency(String name, Optional<Path> path) {
        boolean found() {
            return path.isPresent();
        }
    }

    private LddOutput() {
    }

    static List<Dependency> parse(String output) {
        List<Dependency> dependencies = new ArrayList<>();
        for (String raw : output.split("\n")) {
            if (!raw.startsWith("\t") && !raw.startsWith(" ")) {
                continue; // "FILE:" headers of a multi-file run
            }
            String line = stripAddress(raw.strip());
            int arrow = line.indexOf(" => ");
            if (arrow >= 0) {
                String name = line.substring(0, arrow).strip();
                String target = line.substring(arrow + 4).strip();
                if (target.equals("not found")) {
                    dependencies.add(new Dependency(name, Optional.empty()));
                } else if (target.startsWith("/")) {
                    dependencies.add(new Dependency(name, Optional.of(Path.of(target).normalize())));
                }
            } else if (line.startsWith("/")) {
                Path path = Path.of(line).normalize();
                dependencies.add(new Dependency(path.getFileName().toString(), Optional.of(path)));
            }
            // anything else: the vdso, "statically linked", "not a dynamic executable"
        }
        return dependencies;
    }

    /** "NAME (0x00007f...)" without the load address. */
    private static String stripAddress(String line) {
        int open = line.lastIndexOf(" (0x");
        return open >= 0 && line.endsWith(")") ? line.substring(0, open) : line;
    }
}
