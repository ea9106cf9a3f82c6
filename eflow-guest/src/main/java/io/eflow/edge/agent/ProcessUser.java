package io.eflow.edge.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The ids a module's process runs as, resolved as Docker resolves {@code User}: "uid", "uid:gid", "name", "name:group"
 * (mixed too), names looked up in the image's own /etc/passwd and /etc/group, never the guest's.
 *
 * @param additionalGids the groups of /etc/group that list the user, as Docker adds them
 */
record ProcessUser(long uid, long gid, List<Long> additionalGids) {
    static final ProcessUser ROOT = new ProcessUser(0, 0, List.of());
    private static final Pattern ID = Pattern.compile("[0-9]{1,10}");

    ProcessUser {
        additionalGids = List.copyOf(additionalGids);
    }

    static ProcessUser resolve(String module, String user, Path rootfs) {
        if (user.isEmpty() || user.equals("root") || user.equals("0")) {
            return ROOT;
        }
        String[] parts = user.split(":", 2);
        String name = parts[0];
        // a numeric uid needs no passwd entry (images without one are common); its group is then 0, as with Docker
        Optional<String[]> entry = find(module, rootfs, "passwd",
                fields -> fields.length >= 4 && (fields[0].equals(name) || ID.matcher(name).matches() && fields[2].equals(name)));
        if (entry.isEmpty() && !ID.matcher(name).matches()) {
            throw new ModuleSpecException(module, "user '" + name + "' is not in the image's /etc/passwd"
                    + " (give a numeric uid, or add the user to the image)");
        }
        long uid = entry.map(fields -> id(module, fields[2])).orElseGet(() -> id(module, name));
        long gid = parts.length == 2 ? group(module, rootfs, parts[1]) : entry.map(fields -> id(module, fields[3])).orElse(0L);
        List<Long> additional = new ArrayList<>();
        if (parts.length == 1 && entry.isPresent()) {
            String userName = entry.get()[0];
            for (String[] group : lines(module, rootfs, "group")) {
                if (group.length >= 4 && List.of(group[3].split(",")).contains(userName) && !additional.contains(id(module, group[2]))) {
                    additional.add(id(module, group[2]));
                }
            }
        }
        return new ProcessUser(uid, gid, additional);
    }

    private static long group(String module, Path rootfs, String group) {
        if (ID.matcher(group).matches()) {
            return id(module, group);
        }
        return find(module, rootfs, "group", fields -> fields.length >= 3 && fields[0].equals(group))
                .map(fields -> id(module, fields[2]))
                .orElseThrow(() -> new ModuleSpecException(module, "group '" + group + "' is not in the image's /etc/group"
                        + " (give a numeric gid, or add the group to the image)"));
    }

    private static Optional<String[]> find(String module, Path rootfs, String file, Predicate<String[]> match) {
        return lines(module, rootfs, file).stream().filter(match).findFirst();
    }

    /** The colon-separated lines of /etc/passwd or /etc/group; none when the image has no such file. */
    private static List<String[]> lines(String module, Path rootfs, String file) {
        Path path = rootfs.resolve("etc").resolve(file);
        // not followed: an image's absolute link would be read from the guest's own /etc
        if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        try {
            return Files.readAllLines(path, StandardCharsets.UTF_8).stream()
                    .filter(line -> !line.isBlank() && !line.startsWith("#"))
                    .map(line -> line.split(":", -1)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("module '" + module + "': cannot read the image's /etc/" + file, e);
        }
    }

    private static long id(String module, String text) {
        if (!ID.matcher(text).matches() || Long.parseLong(text) > 0xFFFF_FFFEL) {
            throw new ModuleSpecException(module, "'" + text + "' is not a user or group id (0 to 4294967294)");
        }
        return Long.parseLong(text);
    }
}
