package io.eflow.image;

import io.eflow.platform.EflowException;
import io.eflow.platform.Exec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Debian's kernel and the initramfs's binaries, fetched with {@code apt-get download} and unpacked with
 * {@code dpkg -x} (never installed on the host), cached under {@code cache/boot/<recipe hash>/}:
 * <ul>
 *   <li>{@code vmlinux}: the uncompressed kernel, {@code kernel.release}: its {@code uname -r},</li>
 *   <li>{@code root/}: the files the initramfs carries as they sit in it (busybox, dmsetup and the libraries
 *       {@code ldd} names, {@code lib/modules/<release>/*.ko}), and {@code modules.order}: the load order,</li>
 *   <li>{@code kit.sha256}: a digest over all of it, which goes into the image recipe.</li>
 * </ul>
 * Fetching takes seconds and the network; every later image build reuses it.
 */
final class BootKit {
    static final String VMLINUX = "vmlinux";
    static final String RELEASE = "kernel.release";
    static final String ORDER = "modules.order";
    static final String ROOT = "root";
    static final String SHA256 = "kit.sha256";
    private static final Pattern DEPENDS = Pattern.compile("^\\s*Depends: (linux-image-\\S+)$", Pattern.MULTILINE);
    private static final Pattern LDD_LIB = Pattern.compile("^\\s*(\\S+) => (\\S+) \\(0x[0-9a-f]+\\)$");
    private static final Pattern LDD_INTERP = Pattern.compile("^\\s*(/\\S+) \\(0x[0-9a-f]+\\)$");

    private final Path dir;
    private final String release;
    private final String sha256;

    private BootKit(Path dir, String release, String sha256) {
        this.dir = dir;
        this.release = release;
        this.sha256 = sha256;
    }

    Path vmlinux() {
        return dir.resolve(VMLINUX);
    }

    Path root() {
        return dir.resolve(ROOT);
    }

    String release() {
        return release;
    }

    String sha256() {
        return sha256;
    }

    List<String> moduleOrder() {
        return read(dir.resolve(ORDER)).lines().filter(l -> !l.isBlank()).toList();
    }

    static Path folder(Path cache, BootRecipe recipe) {
        return cache.resolve("boot").resolve(recipe.hash().substring(0, 16));
    }

    static BootKit ensure(Path cache, BootRecipe recipe, boolean force, Consumer<String> progress) {
        Path dir = folder(cache, recipe);
        if (!force && Files.isRegularFile(dir.resolve(SHA256))) {
            progress.accept("boot: cached (kernel " + read(dir.resolve(RELEASE)).strip() + ")");
            return new BootKit(dir, read(dir.resolve(RELEASE)).strip(), read(dir.resolve(SHA256)).strip());
        }
        HostTools.require("apt-get", "apt");
        HostTools.require("dpkg", "dpkg");
        HostTools.require("ldd", "libc-bin");
        progress.accept("boot: fetching Debian's kernel, busybox and dmsetup (apt-get download)…");
        long started = System.nanoTime();
        Path temp = AtomicDirs.createTemp(dir.getParent(), dir.getFileName().toString());
        try {
            Path debs = Files.createDirectory(temp.resolve("debs"));
            Path tree = Files.createDirectory(temp.resolve("tree"));
            List<String> packages = new ArrayList<>(recipe.packages());
            packages.add(kernelPackage(recipe.kernelPackage()));
            download(packages, debs);
            try (Stream<Path> files = Files.list(debs)) {
                for (Path deb : files.sorted().toList()) {
                    Exec.of("dpkg", "-x", deb.toString(), tree.toString()).timeoutSeconds(600).check();
                }
            }
            String release = assemble(tree, recipe, temp);
            Rootfs.deleteTree(debs);
            Rootfs.deleteTree(tree);
            String sha256 = digest(temp);
            Files.writeString(temp.resolve("recipe.txt"), recipe.canonical());
            Files.writeString(temp.resolve(RELEASE), release + "\n");
            Files.writeString(temp.resolve(SHA256), sha256 + "\n");
            AtomicDirs.publish(temp, dir);
            progress.accept(String.format("boot: kernel %s unpacked in %.1f s", release, (System.nanoTime() - started) / 1e9));
            return new BootKit(dir, release, sha256);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the boot parts in " + temp, e);
        } finally {
            Rootfs.deleteTree(temp);
        }
    }

    /** The versioned kernel package the metapackage depends on, e.g. {@code linux-image-6.1.0-28-amd64}. */
    static String kernelPackage(String metapackage) {
        Exec.Result result = Exec.of("apt-cache", "depends", "--no-recommends", "--no-suggests", metapackage).timeoutSeconds(120).run();
        Matcher m = DEPENDS.matcher(result.stdout());
        if (!result.ok() || !m.find()) {
            throw EflowException.failure("cannot find the kernel package " + metapackage + " depends on ("
                    + (result.ok() ? "no linux-image dependency" : result.stderr().strip())
                    + "); run apt-get update and try again", null);
        }
        return m.group(1);
    }

    private static void download(List<String> packages, Path into) {
        List<String> command = new ArrayList<>(List.of("apt-get", "download", "-q", "-o", "APT::Sandbox::User=root"));
        command.addAll(packages);
        Exec.Result result = Exec.of(command).in(into).timeoutSeconds(900).run();
        if (!result.ok()) {
            throw EflowException.failure("apt-get download of " + packages + " failed: "
                    + result.stderr().lines().filter(l -> l.startsWith("E:")).findFirst().orElse(result.stderr().strip()), null);
        }
    }

    /** Lays out the kit from the unpacked packages; returns the kernel release. */
    private static String assemble(Path tree, BootRecipe recipe, Path kit) throws IOException {
        Path vmlinuz;
        try (Stream<Path> boot = Files.list(tree.resolve("boot"))) {
            vmlinuz = boot.filter(p -> p.getFileName().toString().startsWith("vmlinuz-")).findFirst()
                    .orElseThrow(() -> EflowException.failure("the kernel package has no /boot/vmlinuz-*", null));
        }
        String release = vmlinuz.getFileName().toString().substring("vmlinuz-".length());
        Files.write(kit.resolve(VMLINUX), VmlinuxExtractor.extract(Files.readAllBytes(vmlinuz)));

        Path root = Files.createDirectory(kit.resolve(ROOT));
        copy(inTree(tree, "bin/busybox", "usr/bin/busybox"), root.resolve("bin/busybox"));
        Path dmsetup = inTree(tree, "sbin/dmsetup", "usr/sbin/dmsetup");
        copy(dmsetup, root.resolve("sbin/dmsetup"));
        for (String[] lib : libraries(tree, dmsetup)) {
            copy(resolve(tree, lib[0]), root.resolve(lib[1]));
        }

        Path modules = tree.resolve("lib/modules").resolve(release);
        Set<String> builtin = Set.copyOf(read(modules.resolve("modules.builtin")).lines()
                .map(l -> moduleName(l.substring(l.lastIndexOf('/') + 1))).toList());
        Path target = root.resolve("lib/modules").resolve(release);
        Set<String> order = new LinkedHashSet<>();
        for (String name : recipe.modules()) {
            addWithDependencies(name, modules, builtin, order, new LinkedHashSet<>());
        }
        for (String name : order) {
            copy(findModule(modules, name), target.resolve(name + ".ko"));
        }
        Files.writeString(kit.resolve(ORDER), String.join("\n", order) + "\n");
        return release;
    }

    /** Depth first, so each module follows what it depends on; built-in modules need no loading. */
    private static void addWithDependencies(String name, Path modules, Set<String> builtin, Set<String> order, Set<String> visiting)
            throws IOException {
        String canonical = moduleName(name);
        if (order.stream().anyMatch(m -> moduleName(m).equals(canonical)) || builtin.contains(canonical)) {
            return;
        }
        if (!visiting.add(canonical)) {
            throw EflowException.failure("kernel modules depend on each other in a cycle at " + name, null);
        }
        Path file = findModule(modules, name);
        if (file == null) {
            throw EflowException.failure("kernel module " + name + " is neither in the kernel package nor built in", null);
        }
        for (String dependency : dependsOf(Files.readAllBytes(file))) {
            addWithDependencies(dependency, modules, builtin, order, visiting);
        }
        order.add(file.getFileName().toString().replaceFirst("\\.ko$", ""));
    }

    /** The {@code depends=} entry of a module's {@code .modinfo} section (NUL-separated key=value strings). */
    static List<String> dependsOf(byte[] module) {
        byte[] key = "\0depends=".getBytes(StandardCharsets.US_ASCII);
        int at = VmlinuxExtractor.indexOf(module, key, 0);
        if (at < 0) {
            return List.of();
        }
        int start = at + key.length;
        int end = start;
        while (end < module.length && module[end] != 0) {
            end++;
        }
        String value = new String(module, start, end - start, StandardCharsets.US_ASCII);
        return value.isEmpty() ? List.of() : List.of(value.split(","));
    }

    /** Module names treat '-' and '_' alike; file names keep the kernel's spelling. */
    static String moduleName(String fileOrName) {
        return fileOrName.replaceFirst("\\.ko(\\.xz|\\.zst|\\.gz)?$", "").replace('-', '_');
    }

    private static Path findModule(Path modules, String name) throws IOException {
        String wanted = moduleName(name);
        try (Stream<Path> files = Files.walk(modules.resolve("kernel"))) {
            List<Path> found = files.filter(p -> p.getFileName().toString().endsWith(".ko")
                    && moduleName(p.getFileName().toString()).equals(wanted)).toList();
            if (found.size() > 1) {
                throw EflowException.failure("kernel module " + name + " is ambiguous: " + found, null);
            }
            return found.isEmpty() ? null : found.get(0);
        }
    }

    /**
     * The shared libraries {@code ldd} names for a binary, resolved inside the unpacked tree (never the host's),
     * as pairs of (path in the tree, path in the initramfs).
     */
    private static List<String[]> libraries(Path tree, Path binary) throws IOException {
        List<String> libDirs = new ArrayList<>();
        for (String base : new String[] {"lib", "usr/lib"}) {
            if (Files.isDirectory(tree.resolve(base))) {
                try (Stream<Path> dirs = Files.list(tree.resolve(base))) {
                    dirs.filter(p -> p.getFileName().toString().endsWith("-linux-gnu") && Files.isDirectory(p))
                            .forEach(p -> libDirs.add(p.toString()));
                }
            }
        }
        Exec.Result ldd = Exec.of("ldd", binary.toString()).env("LD_LIBRARY_PATH", String.join(":", libDirs)).timeoutSeconds(60).run();
        if (!ldd.ok()) {
            throw EflowException.failure("ldd " + binary.getFileName() + " failed: " + ldd.stderr().strip(), null);
        }
        String treePrefix = tree.toAbsolutePath().normalize() + "/";
        List<String[]> pairs = new ArrayList<>();
        for (String line : ldd.stdout().lines().toList()) {
            Matcher lib = LDD_LIB.matcher(line);
            Matcher interp = LDD_INTERP.matcher(line);
            if (lib.matches()) {
                String found = Path.of(lib.group(2)).toAbsolutePath().normalize().toString();
                if (!found.startsWith(treePrefix)) {
                    throw EflowException.failure(binary.getFileName() + " needs " + lib.group(1)
                            + ", which none of the boot recipe's packages provide", null);
                }
                String relative = found.substring(treePrefix.length());
                String multiarch = Path.of(relative).getParent().getFileName().toString();
                pairs.add(new String[] {relative, "lib/" + multiarch + "/" + lib.group(1)});
            } else if (interp.matches()) {
                String path = interp.group(1).substring(1);
                pairs.add(new String[] {path, path});
            }
        }
        if (pairs.stream().noneMatch(p -> p[1].contains("ld-linux"))) {
            throw EflowException.failure("ldd named no program interpreter for " + binary.getFileName() + ": " + ldd.stdout(), null);
        }
        return pairs;
    }

    private static Path inTree(Path tree, String... candidates) {
        for (String candidate : candidates) {
            Path p = tree.resolve(candidate);
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                return resolve(tree, candidate);
            }
        }
        throw EflowException.failure("the unpacked boot packages have none of " + List.of(candidates), null);
    }

    /** Follows symlinks inside the tree: an absolute target means the tree's root, never the host's. */
    static Path resolve(Path tree, String relative) {
        Path current = tree.resolve(relative).normalize();
        for (int hops = 0; hops < 40; hops++) {
            if (!current.startsWith(tree)) {
                throw EflowException.failure(relative + " points outside the unpacked packages", null);
            }
            // Resolve any symlinked parent folder (e.g. lib64 -> usr/lib64) before the name itself.
            Path rel = tree.relativize(current);
            Path walked = tree;
            boolean changed = false;
            for (int i = 0; i < rel.getNameCount(); i++) {
                Path next = walked.resolve(rel.getName(i));
                if (Files.isSymbolicLink(next)) {
                    Path target = readLink(next);
                    Path base = target.isAbsolute() ? tree.resolve(target.toString().substring(1)) : next.getParent().resolve(target);
                    Path rest = i + 1 < rel.getNameCount() ? rel.subpath(i + 1, rel.getNameCount()) : null;
                    current = (rest == null ? base : base.resolve(rest)).normalize();
                    changed = true;
                    break;
                }
                walked = next;
            }
            if (!changed) {
                if (!Files.isRegularFile(current, LinkOption.NOFOLLOW_LINKS)) {
                    throw EflowException.failure(relative + " is not a file in the unpacked packages", null);
                }
                return current;
            }
        }
        throw EflowException.failure(relative + ": too many symbolic links", null);
    }

    private static Path readLink(Path link) {
        try {
            return Files.readSymbolicLink(link);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        Files.copy(from, to, LinkOption.NOFOLLOW_LINKS);
    }

    /** One line per kit file, "sha256  path", sorted: the kit's identity for the image recipe. */
    private static String digest(Path kit) throws IOException {
        StringBuilder listing = new StringBuilder();
        try (Stream<Path> files = Files.walk(kit)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                listing.append(FileDigests.sha256(file)).append("  ").append(kit.relativize(file)).append('\n');
            }
        }
        listing.append(read(kit.resolve(ORDER)));
        return FileDigests.sha256(listing.toString());
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
