package io.eflow.samples.base;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Makes the samples' base image without a registry or Docker: a jlink runtime of the JDK that runs the build, plus
 * the shared libraries of the build host that it links (glibc, libstdc++, libz and the dynamic loader, as `ldd`
 * finds them), in one layer of a `docker save` tar. Nothing else is in it: no shell, no package manager.
 *
 * <p>Both steps are cached. The jlink runtime is kept under {@code --work} by a key of the JDK and the jlink
 * options, and is not made again while they stay the same; the tar is not written again while a digest of every
 * byte that goes into it stays the same (so its diff id, which Jib caches base layers by, stays the same too).
 *
 * <p>Arguments: {@code --output=TAR --work=DIR --modules=m1,m2 [--timestamp=ISO-8601] [--tag=NAME:TAG]}.
 */
public final class JreBaseImage {
    /** Bump when the image's layout changes without its inputs changing. */
    static final String LAYOUT_VERSION = "1";
    static final String JAVA_HOME = "/opt/java";
    static final List<String> JLINK_OPTIONS =
            List.of("--strip-debug", "--no-man-pages", "--no-header-files", "--compress=2");
    static final List<String> ENV = List.of(
            "PATH=" + JAVA_HOME + "/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "JAVA_HOME=" + JAVA_HOME,
            // The launcher finds libjli.so by $ORIGIN, which glibc resolves through /proc/self/exe: this also
            // lets java start in a plain chroot of the image, where /proc is not mounted.
            "LD_LIBRARY_PATH=" + JAVA_HOME + "/lib",
            // glibc 2.35+ has C.UTF-8 built in: Java's default charset and stdout are UTF-8 without locale files.
            "LANG=C.UTF-8");

    private JreBaseImage() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        Path output = Path.of(required(options, "output")).toAbsolutePath();
        Path work = Path.of(required(options, "work")).toAbsolutePath();
        List<String> modules = Arrays.stream(required(options, "modules").split(","))
                .map(String::strip).filter(m -> !m.isEmpty()).toList();
        Instant timestamp = Instant.parse(options.getOrDefault("timestamp", "2025-01-01T00:00:00Z"));
        String tag = options.getOrDefault("tag", "eflow-samples/jre-base:latest");

        Path javaHome = Path.of(System.getProperty("java.home")).toRealPath();
        Path runtime = jlinkRuntime(javaHome, modules, work);
        LayerContents layer = layer(runtime, sharedLibraries(runtime));

        String config = config(modules, javaHome, timestamp);
        String fingerprint = layer.fingerprint(LAYOUT_VERSION + "|" + tag + "|" + timestamp + "|" + config);
        Path stamp = output.resolveSibling(output.getFileName() + ".inputs");
        if (Files.isRegularFile(output) && Files.isRegularFile(stamp)
                && Files.readString(stamp).strip().equals(fingerprint)) {
            System.out.println("jre-base: " + output + " is up to date");
            return;
        }
        Files.createDirectories(output.getParent());
        Path layerFile = work.resolve(DockerArchive.LAYER_NAME);
        String diffId = DockerArchive.writeLayer(layer, timestamp, layerFile);
        DockerArchive.write(output, layerFile, config.replace(DIFF_ID, diffId), tag, timestamp);
        Files.delete(layerFile);
        Files.writeString(stamp, fingerprint + "\n");
        System.out.printf("jre-base: wrote %s (%d KiB, layer %s)%n", output, Files.size(output) / 1024, diffId);
    }

    /** The runtime of {@code modules}, from the cache when the same JDK and options made it before. */
    static Path jlinkRuntime(Path javaHome, List<String> modules, Path work)
            throws IOException, InterruptedException {
        Path jmods = javaHome.resolve("jmods");
        List<String> args = new ArrayList<>();
        if (Files.isDirectory(jmods)) {
            args.addAll(List.of("--module-path", jmods.toString()));
        }
        args.addAll(List.of("--add-modules", String.join(",", modules)));
        args.addAll(JLINK_OPTIONS);

        String key = sha256(String.join("\n", LAYOUT_VERSION, javaHome.toString(), Runtime.version().toString(),
                Files.readString(javaHome.resolve("release")), stamp(jmods.resolve("java.base.jmod")),
                String.join(" ", args))).substring(0, 16);
        Path entry = work.resolve("jlink-" + key);
        Path runtime = entry.resolve("runtime");
        Path done = entry.resolve("done");
        if (Files.isRegularFile(done)) {
            System.out.println("jre-base: jlink runtime cached in " + runtime);
            return runtime;
        }
        Files.createDirectories(work);
        try (Stream<Path> old = Files.list(work)) {
            for (Path stale : old.filter(p -> p.getFileName().toString().startsWith("jlink-")).toList()) {
                deleteTree(stale); // another JDK or other options: not used again
            }
        }
        Files.createDirectories(entry);
        args.addAll(List.of("--output", runtime.toString()));
        // A jlink process of its own, not jlink's ToolProvider in Maven's JVM: JDK 17's jlink does not write the
        // SystemModules classes it generates in a fixed order (JDK-8392531). Run inside Maven, lib/modules (so the
        // layer's digest) changed from one run to the next; a fresh jlink process gave the same bytes every time.
        Path jlink = javaHome.resolve("bin/jlink");
        if (!Files.isExecutable(jlink)) {
            throw new IllegalStateException("jre-base: the JDK running Maven (" + javaHome + ") has no bin/jlink; "
                    + "build with a full JDK 17");
        }
        List<String> command = new ArrayList<>(List.of(jlink.toString()));
        command.addAll(args);
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String log = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int status = process.waitFor();
        if (status != 0) {
            throw new IllegalStateException("jre-base: " + String.join(" ", command) + " failed (" + status
                    + "):\n" + log);
        }
        Files.writeString(done, String.join(" ", args) + "\n");
        System.out.printf("jre-base: jlink %s in %d ms%n", String.join(",", modules),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        return runtime;
    }

    /**
     * The host files that the runtime's launcher and native libraries load, by the path the loader uses (which is
     * where they go in the image). A library that ldd cannot find must be one of the runtime's own (libjvm.so,
     * which the launcher has loaded before the libraries that name it).
     */
    static List<Path> sharedLibraries(Path runtime) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ldd", runtime.resolve("bin/java").toString()));
        TreeSet<String> ownLibraries = new TreeSet<>();
        try (Stream<Path> walk = Files.walk(runtime.resolve("lib"))) {
            for (Path library : walk.filter(p -> p.toString().endsWith(".so") && Files.isRegularFile(p)).toList()) {
                command.add(library.toString());
                ownLibraries.add(library.getFileName().toString());
            }
        }
        Process ldd;
        try {
            ldd = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("jre-base: cannot run ldd (Debian's libc-bin) to find the libraries "
                    + "of the runtime", e);
        }
        String output = new String(ldd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        ldd.waitFor();

        TreeSet<Path> libraries = new TreeSet<>();
        List<String> missing = new ArrayList<>();
        for (LddOutput.Dependency dependency : LddOutput.parse(output)) {
            if (dependency.path().isEmpty()) {
                if (!ownLibraries.contains(dependency.name())) {
                    missing.add(dependency.name());
                }
            } else if (!dependency.path().get().startsWith(runtime)) {
                libraries.add(dependency.path().get());
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("jre-base: the runtime needs libraries this host does not have: "
                    + missing + "\n" + output);
        }
        if (libraries.stream().noneMatch(p -> p.getFileName().toString().startsWith("ld-linux"))) {
            throw new IllegalStateException("jre-base: ldd named no dynamic loader (ld-linux*):\n" + output);
        }
        return List.copyOf(libraries);
    }

    /** The image's one layer: the runtime, its host libraries, the few files glibc and Java read, empty mounts. */
    static LayerContents layer(Path runtime, List<Path> libraries) throws IOException {
        LayerContents layer = new LayerContents().tree(JAVA_HOME, runtime);
        for (Path library : libraries) {
            layer.file(library.toString(), library, 0755);
        }
        return layer
                .file("/etc/passwd", "root:x:0:0:root:/root:/sbin/nologin\n", 0644)
                .file("/etc/group", "root:x:0:\n", 0644)
                .file("/etc/nsswitch.conf", "passwd: files\ngroup: files\nhosts: files dns\n", 0644)
                .directory("/root", 0700)
                .directory("/tmp", 01777)
                .directory("/proc", 0755)
                .directory("/sys", 0755)
                .directory("/dev", 0755);
    }

    private static final String DIFF_ID = "@DIFF_ID@";

    /** The image config with a placeholder for the layer's diff id, known once the layer is written. */
    static String config(List<String> modules, Path javaHome, Instant created) {
        String history = "eflow samples/jre-base: jlink --add-modules " + String.join(",", modules) + " "
                + String.join(" ", JLINK_OPTIONS) + " of " + javaHome + " (" + Runtime.version()
                + "), with the build host's glibc";
        return "{\"created\":" + Json.string(created.toString())
                + ",\"architecture\":" + Json.string(architecture())
                + ",\"os\":\"linux\""
                + ",\"config\":{\"Env\":" + Json.strings(ENV) + "}"
                + ",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + Json.string(DIFF_ID) + "]}"
                + ",\"history\":[{\"created\":" + Json.string(created.toString())
                + ",\"created_by\":" + Json.string(history) + "}]}\n";
    }

    /** The OCI name of the build host's architecture (the runtime and its libraries are the host's). */
    static String architecture() {
        String arch = System.getProperty("os.arch");
        return switch (arch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            default -> arch;
        };
    }

    private static String stamp(Path file) throws IOException {
        return Files.exists(file) ? Files.size(file) + "@" + Files.getLastModifiedTime(file) : "-";
    }

    private static String sha256(String text) {
        return HexFormat.of().formatHex(LayerContents.sha256().digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.sorted((a, b) -> b.compareTo(a)).toList()) {
                Files.delete(path);
            }
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (String arg : args) {
            if (!arg.startsWith("--") || !arg.contains("=")) {
                throw new IllegalArgumentException("jre-base: expected --name=value, got " + arg);
            }
            options.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
        }
        return options;
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("jre-base: --" + name + " is required");
        }
        return value;
    }
}
