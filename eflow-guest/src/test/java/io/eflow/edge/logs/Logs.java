package io.eflow.edge.logs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Test helpers. */
final class Logs {
    private Logs() {
    }

    static List<LogLine> read(ModuleLogs logs, String module, Query query) throws IOException {
        List<LogLine> lines = new ArrayList<>();
        logs.read(module, query, lines::add);
        return lines;
    }

    static List<String> texts(List<LogLine> lines) {
        return lines.stream().map(LogLine::text).toList();
    }

    /** The file names in a module's folder, sorted. */
    static List<String> files(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
