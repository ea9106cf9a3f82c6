package io.eflow.it;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import io.eflow.platform.Exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The image of an IoT Edge module written with the official Node SDK (src/test/node/module): the host's
 * {@code /usr/bin/node} with the shared libraries {@code ldd} says it loads, the SDK's {@code node_modules} that the
 * build's {@code npm ci} installed from the lock file, and the module's script, run as uid/gid 1000. Written by Jib as
 * an OCI image layout tarball, as {@link EdgeAgentIT#busyboxImage} is.
 */
final class NodeModuleImage {
    static final String IMAGE = "eflow-test/node-module:1";
    static final Path NODE = Path.of("/usr/bin/node");
    /** The module's sources and, after the build's npm ci, its node_modules. */
    static final Path SOURCES = Path.of("src", "test", "node", "module");
    static final String APP = "/app";
    static final String USER = "1000:1000";

    private static final FilePermissions EXECUTABLE = FilePermissions.fromOctalString("755");
    private static final FilePermissions READABLE = FilePermissions.fromOctalString("644");

    private NodeModuleImage() {
    }

    /** Builds the image into {@code work} once; later calls return the tarball already there. */
    static synchronized Path build(Path work) throws Exception {
        Path tar = work.resolve("node-module.tar");
        if (Files.isRegularFile(tar)) {
            return tar;
        }
        Path modules = SOURCES.resolve("node_modules");
        if (!Files.isDirectory(modules.resolve("azure-iot-device")) || !Files.isDirectory(modules.resolve("azure-iot-device-mqtt"))) {
            throw new IllegalStateException(modules.toAbsolutePath() + " lacks the SDK: the build's npm ci (process-test-resources) installs it");
        }
        Path files = Files.createDirectories(work.resolve("files"));

        // the runtime: node, what it loads, and the few files of /etc a process looks for
        FileEntriesLayer.Builder runtime = FileEntriesLayer.builder().setName("node");
        runtime.addEntry(NODE, AbsoluteUnixPath.get("/usr/bin/node"), EXECUTABLE);
        for (Path library : libraries(NODE)) {
            runtime.addEntry(library, AbsoluteUnixPath.get(library.toString()), EXECUTABLE);
        }
        runtime.addEntry(write(files, "passwd", "root:x:0:0:root:/root:/usr/sbin/nologin\nnode:x:1000:1000:node:/app:/usr/sbin/nologin\n"),
                AbsoluteUnixPath.get("/etc/passwd"), READABLE);
        runtime.addEntry(write(files, "group", "root:x:0:\nnode:x:1000:\n"), AbsoluteUnixPath.get("/etc/group"), READABLE);
        // the gateway's name resolves from the /etc/hosts eflow mounts: files first
        runtime.addEntry(write(files, "nsswitch.conf", "passwd: files\ngroup: files\nhosts: files dns\n"),
                AbsoluteUnixPath.get("/etc/nsswitch.conf"), READABLE);

        // the module: its script, package files and the SDK
        FileEntriesLayer.Builder app = FileEntriesLayer.builder().setName("module");
        for (String file : List.of("module.js", "package.json", "package-lock.json")) {
            app.addEntry(SOURCES.resolve(file), AbsoluteUnixPath.get(APP + "/" + file), READABLE);
        }
        tree(app, modules, APP + "/node_modules");

        Jib.fromScratch().setFormat(ImageFormat.OCI)
                .addFileEntriesLayer(runtime.build()).addFileEntriesLayer(app.build())
                .setEntrypoint(List.of("/usr/bin/node", APP + "/module.js"))
                .setWorkingDirectory(AbsoluteUnixPath.get(APP))
                .setUser(USER)
                .addEnvironmentVariable("NODE_ENV", "production")
                .containerize(Containerizer.to(TarImage.at(tar).named(IMAGE))
                        .setBaseImageLayersCache(work.resolve("cache/base")).setApplicationLayersCache(work.resolve("cache/app")));
        return tar;
    }

    /**
     * The files {@code ldd} says a binary loads, each by the path the loader found it at (the dynamic loader too);
     * the kernel's vDSO has none. A library ldd cannot find fails the build.
     */
    static List<Path> libraries(Path binary) {
        Exec.Result ldd = Exec.of("ldd", binary.toString()).timeoutSeconds(60).check();
        return parseLdd(ldd.stdout());
    }

    /** Parses {@code ldd}'s lines: "libc.so.6 => /lib/…/libc.so.6 (0x…)", "/lib64/ld-linux-x86-64.so.2 (0x…)". */
    static List<Path> parseLdd(String output) {
        Set<Path> found = new LinkedHashSet<>();
        for (String raw : output.split("\n")) {
            String line = raw.strip();
            int address = line.lastIndexOf(" (0x");
            if (address >= 0) {
                line = line.substring(0, address);
            }
            int arrow = line.indexOf(" => ");
            String target = arrow >= 0 ? line.substring(arrow + 4).strip() : line;
            if (target.equals("not found")) {
                throw new IllegalStateException("ldd finds no " + line.substring(0, arrow).strip() + ": " + output);
            }
            if (target.startsWith("/")) {
                found.add(Path.of(target).normalize());
            }
        }
        return new ArrayList<>(found);
    }

    /**
     * A host folder under {@code prefix}: files readable (executable where they are on the host), folders, and
     * symlinks' targets' bytes. npm's .bin links are left out: nothing in the module runs them.
     */
    private static void tree(FileEntriesLayer.Builder layer, Path root, String prefix) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : (Iterable<Path>) walk.sorted()::iterator) {
                Path relative = root.relativize(path);
                if (relative.toString().isEmpty() || relative.getFileName().toString().equals(".bin")
                        || relative.startsWith(".bin") || relative.toString().contains("/.bin/")) {
                    continue;
                }
                AbsoluteUnixPath target = AbsoluteUnixPath.get(prefix + "/" + relative.toString().replace('\\', '/'));
                if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                    layer.addEntry(path, target, EXECUTABLE);
                } else if (Files.isRegularFile(path)) {
                    layer.addEntry(path, target, Files.isExecutable(path) ? EXECUTABLE : READABLE);
                }
            }
        }
    }

    private static Path write(Path folder, String name, String content) throws IOException {
        return Files.writeString(folder.resolve(name), content);
    }
}
