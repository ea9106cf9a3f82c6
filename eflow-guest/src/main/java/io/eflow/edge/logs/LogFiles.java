package io.eflow.edge.logs;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/** The files of one module's log, oldest first, opened together as one consistent set. */
final class LogFiles {
    private LogFiles() {
    }

    /** An open log file and the identity (device and inode) of the file it is. */
    record Segment(Path path, Object key, FileChannel channel) implements Closeable {
        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /** 0 for current.log, n for n.log, -1 for anything else. */
    static int number(String name) {
        if (name.equals(ModuleLog.CURRENT)) {
            return 0;
        }
        if (!name.endsWith(".log") || name.length() < 5 || name.length() > 13 || name.charAt(0) == '0') {
            return -1;
        }
        for (int i = 0; i < name.length() - 4; i++) {
            if (!Character.isDigit(name.charAt(i)) || name.charAt(i) > '9') {
                return -1;
            }
        }
        return Integer.parseInt(name.substring(0, name.length() - 4));
    }

    /** The file's identity, null when there is no such file. */
    static Object key(Path path) throws IOException {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /**
     * Opens every log file in {@code dir}, oldest first. A rotation may move the files while they are being
     * opened: the names and identities are read before and after, and the whole is tried again unless they agree,
     * so the channels returned are the files as they were at one moment, in order. Empty when the folder is gone.
     */
    static List<Segment> open(Path dir) throws IOException {
        for (int attempt = 1; ; attempt++) {
            List<Path> names = names(dir);
            List<Object> keys = keys(names);
            List<Segment> opened = new ArrayList<>();
            boolean consistent = !keys.contains(null);
            try {
                for (int i = 0; consistent && i < names.size(); i++) {
                    try {
                        FileChannel channel = FileChannel.open(names.get(i), StandardOpenOption.READ);
                        opened.add(new Segment(names.get(i), keys.get(i), channel));
                    } catch (NoSuchFileException e) {
                        consistent = false;
                    }
                }
                consistent = consistent && names.equals(names(dir)) && keys.equals(keys(names));
            } finally {
                if (!consistent) {
                    closeAll(opened);
                }
            }
            if (consistent) {
                return opened;
            }
            if (attempt == 1000) {
                throw new IOException("the log files in " + dir + " keep changing while being opened");
            }
            Thread.onSpinWait();
        }
    }

    static void closeAll(Iterable<Segment> segments) {
        for (Segment segment : segments) {
            try {
                segment.close();
            } catch (IOException e) {
                // read-only channel: nothing is lost
            }
        }
    }

    /** The log files present, oldest (highest number) first and current.log last. */
    private static List<Path> names(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(p -> number(p.getFileName().toString()) >= 0)
                    .sorted(Comparator.comparingInt((Path p) -> number(p.getFileName().toString())).reversed())
                    .toList();
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }

    private static List<Object> keys(List<Path> names) throws IOException {
        List<Object> keys = new ArrayList<>(names.size());
        for (Path name : names) {
            keys.add(key(name));
        }
        return keys;
    }

    static boolean sameFile(Path path, Object key) throws IOException {
        return Objects.equals(key(path), key);
    }
}
