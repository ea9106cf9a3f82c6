package io.eflow.image;

import io.eflow.platform.EflowException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How the Debian base is made: everything that goes into the {@code mmdebstrap} command. Its hash keys
 * the base cache, so changing any of it (a package, a mirror, an option) rebuilds the base and nothing
 * else does.
 *
 * @param suite    Debian suite, e.g. {@code bookworm}
 * @param arch     Debian architecture, e.g. {@code amd64}
 * @param variant  mmdebstrap variant
 * @param packages packages on top of the variant
 * @param sources  apt source lines
 * @param options  further mmdebstrap options, verbatim
 */
public record BaseRecipe(String suite, String arch, String variant, List<String> packages, List<String> sources,
                         List<String> options) {
    /** Bump when the meaning of a recipe changes without its fields changing. */
    static final int FORMAT = 1;

    public BaseRecipe {
        packages = List.copyOf(packages);
        sources = List.copyOf(sources);
        options = List.copyOf(options);
    }

    /** The curated guest base of DESIGN.md. */
    public static BaseRecipe bookworm(String arch) {
        return new BaseRecipe("bookworm", arch, "minbase",
                List.of("openssh-server", "nftables", "iproute2", "crun", "openjdk-17-jre-headless", "tpm2-tools",
                        "runit", "socat", "sudo", "ca-certificates", "procps", "udhcpc"),
                List.of("deb http://deb.debian.org/debian bookworm main",
                        "deb http://deb.debian.org/debian bookworm-updates main",
                        "deb http://deb.debian.org/debian-security bookworm-security main"),
                List.of("--dpkgopt=path-exclude=/usr/share/man/*",
                        "--dpkgopt=path-exclude=/usr/share/doc/*",
                        // Licences travel with the binaries we redistribute.
                        "--dpkgopt=path-include=/usr/share/doc/*/copyright",
                        "--dpkgopt=path-exclude=/usr/share/locale/*",
                        // The JRE's postinst registers man pages with update-alternatives and fails without this folder.
                        "--essential-hook=mkdir -p \"$1/usr/share/man/man1\"",
                        "--aptopt=Acquire::Retries \"3\""));
    }

    /** Debian's name for the host's architecture; the guest runs the host's. */
    public static String hostArch() {
        String arch = System.getProperty("os.arch");
        return switch (arch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            default -> throw new EflowException("eflow builds guest images for amd64 and arm64 hosts, not " + arch);
        };
    }

    /** One line per fact, in a fixed order: the text whose sha256 is {@link #hash()}. */
    String canonical() {
        StringBuilder text = new StringBuilder("eflow-base-recipe " + FORMAT + "\n");
        text.append("suite=").append(suite).append('\n');
        text.append("arch=").append(arch).append('\n');
        text.append("variant=").append(variant).append('\n');
        packages.stream().sorted().forEach(p -> text.append("package=").append(p).append('\n'));
        sources.forEach(s -> text.append("source=").append(s).append('\n'));
        options.forEach(o -> text.append("option=").append(o).append('\n'));
        return text.toString();
    }

    public String hash() {
        return FileDigests.sha256(canonical());
    }

    List<String> mmdebstrapCommand(Path outputTar) {
        List<String> command = new ArrayList<>(List.of("mmdebstrap", "--variant=" + variant, "--mode=root",
                "--format=tar", "--architectures=" + arch, "--include=" + String.join(",", packages)));
        command.addAll(options);
        command.add(suite);
        command.add(outputTar.toString());
        command.addAll(sources);
        return command;
    }
}
