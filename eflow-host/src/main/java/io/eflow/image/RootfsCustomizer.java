package io.eflow.image;

import io.eflow.firewall.GuestFirewall;
import io.eflow.firewall.GuestSecurity;
import io.eflow.firewall.SshTransport;
import io.eflow.platform.EflowException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the Debian base into eflow's curated guest tree: no package manager, no baked SSH host keys,
 * no build-host identity, the {@code iotedge-user} account, /var moved to a template that seeds the data
 * disk, and every mount point the read-only root needs.
 */
final class RootfsCustomizer {
    /** The data disk is mounted over /var and seeded from here on first boot. */
    static final String VAR_TEMPLATE = "usr/share/eflow/var-template";
    static final String FIREWALL_DIR = "usr/lib/eflow/firewall";
    /** {@code modules-proc}: see the namespace backend's GuestSpec.MODULE_PROC (crun allows proc only at the top). */
    static final List<String> MOUNT_POINTS = List.of("var", "logs", "run", "tmp", "proc", "sys", "dev", "home", "root",
            "modules-proc");

    /**
     * apt, dpkg and debconf (the package management system) with their state, configuration, libraries,
     * timers and leftovers. Globs are relative to the root; {@code *} stays within one name.
     */
    static final List<String> PACKAGE_MANAGER = List.of(
            "{bin,sbin,usr/bin,usr/sbin}/{apt,apt-*,dpkg,dpkg-*,debconf,debconf-*,update-alternatives}",
            "etc/{apt,dpkg}",
            "etc/debconf.conf",
            "etc/cron.daily/{apt-compat,dpkg}",
            "etc/logrotate.d/{apt,dpkg}",
            "etc/systemd/system/timers.target.wants/{apt-daily*,dpkg-db-backup*}",
            "var/lib/{apt,dpkg}",
            "var/cache/{apt,debconf}",
            "var/log/{apt,dpkg.log,alternatives.log}",
            "var/backups/{apt,dpkg}*",
            "usr/lib/{apt,dpkg}",
            "usr/libexec/dpkg",
            "usr/lib/*/{libapt-pkg.so*,libapt-private.so*}",
            "usr/lib/systemd/system/{apt-daily*,dpkg-db-backup*}",
            "usr/share/{dpkg,debconf}",
            "usr/share/perl5/{Debconf,Debian/DebConf}",
            "usr/share/bug/{apt,dpkg}",
            "usr/share/lintian/overrides/{apt,dpkg,debconf}",
            "usr/share/bash-completion/completions/{apt,apt-*,dpkg,dpkg-*,debconf*}",
            "usr/share/doc/{apt,dpkg,debconf,libapt-pkg*}");

    private final Rootfs tree;

    RootfsCustomizer(Rootfs tree) {
        this.tree = tree;
    }

    /** Returns how many entries (files or whole folders) were removed. */
    int removePackageManager() {
        List<PathMatcher> matchers = new ArrayList<>();
        for (String glob : PACKAGE_MANAGER) {
            matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + glob));
        }
        Path root = tree.root();
        List<Path> doomed = new ArrayList<>();
        try {
            // The walk does not follow symlinks, so /bin -> usr/bin is seen once, as a link, and kept.
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    if (!dir.equals(root) && matches(dir)) {
                        doomed.add(dir);
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (matches(file)) {
                        doomed.add(file);
                    }
                    return FileVisitResult.CONTINUE;
                }

                private boolean matches(Path p) {
                    Path relative = root.relativize(p);
                    return matchers.stream().anyMatch(m -> m.matches(relative));
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        doomed.forEach(Rootfs::deleteTree);
        return doomed.size();
    }

    /** openssh-server's postinst baked host keys; every guest would share them. The host makes one per instance. */
    int removeSshHostKeys() {
        Path sshDir = tree.resolve("etc/ssh");
        int removed = 0;
        if (!Files.isDirectory(sshDir)) {
            return 0;
        }
        try (DirectoryStream<Path> keys = Files.newDirectoryStream(sshDir, "ssh_host_*")) {
            for (Path key : keys) {
                Files.delete(key);
                removed++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return removed;
    }

    /** mmdebstrap copies the build host's hostname and resolver into the tree: replace them with neutral ones. */
    void resetHostIdentity() {
        tree.writeText("etc/hostname", "eflow\n", 0644, 0, 0);
        tree.writeText("etc/hosts", "127.0.0.1\tlocalhost\n127.0.1.1\teflow\n::1\tlocalhost ip6-localhost ip6-loopback\n", 0644, 0, 0);
        tree.writeText("etc/resolv.conf", "", 0644, 0, 0);
    }

    /** iotedge-user: locked password, login only by SSH certificate, passwordless sudo. */
    void addIotedgeUser(long lastChangeDays) {
        GuestAccounts.Account user = GuestAccounts.Account.iotedgeUser();
        tree.rewriteText("etc/passwd", GuestAccounts.addToPasswd(tree.readText("etc/passwd"), user));
        tree.rewriteText("etc/group", GuestAccounts.addToGroup(tree.readText("etc/group"), user));
        tree.rewriteText("etc/shadow", GuestAccounts.addToShadow(tree.readText("etc/shadow"), user, lastChangeDays));
        if (tree.exists("etc/gshadow")) {
            tree.rewriteText("etc/gshadow", GuestAccounts.addToGshadow(tree.readText("etc/gshadow"), user));
        }
        tree.writeText("etc/sudoers.d/" + user.name(), user.name() + " ALL=(ALL) NOPASSWD:ALL\n", 0440, 0, 0);

        String home = user.home().substring(1);
        tree.mkdirs(home, 0750, user.uid(), user.gid());
        copySkeleton(home, user);
    }

    private void copySkeleton(String home, GuestAccounts.Account user) {
        Path skel = tree.resolve("etc/skel");
        if (!Files.isDirectory(skel)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(skel)) {
            for (Path file : files) {
                if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    int mode = (Integer) Files.getAttribute(file, "unix:mode", LinkOption.NOFOLLOW_LINKS);
                    tree.writeFile(home + "/" + file.getFileName(), Files.readAllBytes(file), mode & 0777, user.uid(), user.gid());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Everything under /var moves to the template; /var stays as an empty mount point for the data disk. */
    int moveVarToTemplate() {
        Path var = tree.resolveEntry("var");
        if (!Files.isDirectory(var, LinkOption.NOFOLLOW_LINKS)) {
            throw EflowException.failure("the Debian base has no /var directory", null);
        }
        Path template = tree.mkdirs(VAR_TEMPLATE, 0755, 0, 0);
        int moved = 0;
        try (DirectoryStream<Path> children = Files.newDirectoryStream(var)) {
            for (Path child : children) {
                Files.move(child, template.resolve(child.getFileName()));
                moved++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move /var to " + VAR_TEMPLATE, e);
        }
        return moved;
    }

    /** A read-only root cannot grow mount points at boot: all of them must already be in the image. */
    void ensureMountPoints() {
        for (String dir : MOUNT_POINTS) {
            int mode = switch (dir) {
                case "tmp" -> 01777;
                case "root" -> 0700;
                case "proc" -> 0555;
                default -> 0755;
            };
            Path path = tree.resolveEntry(dir);
            if (Files.isSymbolicLink(path)) {
                throw EflowException.failure("/" + dir + " is a symlink in the Debian base; it must be a mount point", null);
            }
            tree.mkdirs(dir, mode, 0, 0);
        }
        try {
            // /tmp must be world-writable and sticky even if the base made it otherwise.
            tree.applyMetadata(tree.resolveEntry("tmp"), 01777, 0, 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The default inbound firewall, one ruleset per SSH transport, on the read-only root: a VM's init loads the one
     * its instance uses before any service starts (the host then adds the instance's own rules over SSH). The
     * namespace backend's host loads the same rules into the guest's network namespace itself.
     */
    void writeDefaultFirewalls() {
        for (SshTransport transport : SshTransport.values()) {
            tree.writeText(FIREWALL_DIR + "/" + transport.cliName() + ".nft",
                    GuestFirewall.render(new GuestSecurity(transport, List.of())), 0644, 0, 0);
        }
    }

    /** /etc/eflow-release: what the guest reports as its image (key=value, like os-release). */
    void writeRelease(String version, String buildId) {
        tree.writeText("etc/eflow-release",
                "NAME=eflow-guest\nVERSION=" + version + "\nBUILD_ID=" + buildId + "\n", 0644, 0, 0);
    }
}
