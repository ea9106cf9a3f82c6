package io.eflow.image;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class RecipeTest {
    private final BaseRecipe base = BaseRecipe.bookworm("amd64");

    @Test
    void baseRecipeHashIsStableAndFollowsEveryField() {
        assertThat(base.hash()).isEqualTo(BaseRecipe.bookworm("amd64").hash()).hasSize(64);
        assertThat(BaseRecipe.bookworm("arm64").hash()).isNotEqualTo(base.hash());
        List<String> more = new ArrayList<>(base.packages());
        more.add("curl");
        assertThat(new BaseRecipe(base.suite(), base.arch(), base.variant(), more, base.sources(), base.options()).hash())
                .isNotEqualTo(base.hash());
        List<String> mirrors = new ArrayList<>(base.sources());
        mirrors.set(0, "deb http://mirror.example/debian bookworm main");
        assertThat(new BaseRecipe(base.suite(), base.arch(), base.variant(), base.packages(), mirrors, base.options()).hash())
                .isNotEqualTo(base.hash());
        // Package order is not a difference.
        List<String> reversed = new ArrayList<>(base.packages());
        Collections.reverse(reversed);
        assertThat(new BaseRecipe(base.suite(), base.arch(), base.variant(), reversed, base.sources(), base.options()).hash())
                .isEqualTo(base.hash());
    }

    @Test
    void mmdebstrapCommandCarriesTheCuratedSelection() {
        List<String> command = base.mmdebstrapCommand(Path.of("/cache/base.tar"));
        assertThat(command).startsWith("mmdebstrap", "--variant=minbase", "--mode=root", "--format=tar", "--architectures=amd64");
        assertThat(command).contains("--include=openssh-server,nftables,iproute2,crun,openjdk-17-jre-headless,"
                        + "tpm2-tools,runit,socat,sudo,ca-certificates,procps,udhcpc",
                "--dpkgopt=path-exclude=/usr/share/man/*", "--dpkgopt=path-exclude=/usr/share/doc/*",
                "--dpkgopt=path-exclude=/usr/share/locale/*", "--essential-hook=mkdir -p \"$1/usr/share/man/man1\"");
        assertThat(command).endsWith("bookworm", "/cache/base.tar",
                "deb http://deb.debian.org/debian bookworm main",
                "deb http://deb.debian.org/debian bookworm-updates main",
                "deb http://deb.debian.org/debian-security bookworm-security main");
    }

    @Test
    void imageRecipeChangesWithThePayloadAndDerivesStableIdentity() {
        Instant created = Instant.parse("2025-01-01T00:00:00Z");
        ImageRecipe a = new ImageRecipe("0.1.0", "amd64", created, base.hash(), "11".repeat(32), "22".repeat(32), "55".repeat(32));
        ImageRecipe same = new ImageRecipe("0.1.0", "amd64", created, base.hash(), "11".repeat(32), "22".repeat(32), "55".repeat(32));
        ImageRecipe newCode = new ImageRecipe("0.1.0", "amd64", created, base.hash(), "11".repeat(32), "33".repeat(32), "55".repeat(32));
        ImageRecipe newBase = new ImageRecipe("0.1.0", "amd64", created, base.hash(), "44".repeat(32), "22".repeat(32), "55".repeat(32));
        ImageRecipe newBoot = new ImageRecipe("0.1.0", "amd64", created, base.hash(), "11".repeat(32), "22".repeat(32), "66".repeat(32));

        assertThat(a.hash()).isEqualTo(same.hash());
        assertThat(newCode.hash()).isNotEqualTo(a.hash());
        assertThat(newBase.hash()).isNotEqualTo(a.hash());
        assertThat(newBoot.hash()).isNotEqualTo(a.hash());
        assertThat(a.imageVersion()).isEqualTo("0.1.0+" + a.hash().substring(0, 8));
        assertThat(a.folderName()).isEqualTo("0.1.0-" + a.hash().substring(0, 12));
        assertThat(a.veritySalt()).hasSize(32).isEqualTo(same.veritySalt()).isNotEqualTo(newCode.veritySalt());
        UUID uuid = a.filesystemUuid();
        assertThat(uuid).isEqualTo(same.filesystemUuid()).isNotEqualTo(newCode.filesystemUuid());
        assertThat(uuid.version()).isEqualTo(5);
        assertThat(uuid.variant()).isEqualTo(2);
        assertThat(a.identity().created()).isEqualTo("2025-01-01T00:00:00Z");
    }

    @Test
    void buildInfoComesFromTheFilteredResource() {
        BuildInfo info = BuildInfo.load();
        assertThat(info.version()).matches("\\d+\\.\\d+\\.\\d+.*");
        assertThat(info.timestamp()).isAfter(Instant.parse("2020-01-01T00:00:00Z")).isBefore(Instant.now());
        assertThat(BuildInfo.parseTimestamp("1735689600")).isEqualTo(Instant.parse("2025-01-01T00:00:00Z"));
    }

    @Test
    void erofsCommandIsReproducible() {
        UUID uuid = UUID.fromString("01234567-89ab-5def-8123-456789abcdef");
        assertThat(ErofsPacker.command(Path.of("/t"), Path.of("/o.erofs"), Instant.parse("2025-01-01T00:00:00Z"), uuid))
                .containsExactly("mkfs.erofs", "-zlz4hc", "-T1735689600", "-U" + uuid, "--quiet", "/o.erofs", "/t");
    }

    @Test
    void firstMmdebstrapErrorIsTheCause() {
        assertThat(DebianBase.firstError("I: running apt-get update...\nE: apt-get update failed\nI: removing tempdir\n"))
                .isEqualTo("apt-get update failed");
        assertThat(DebianBase.firstError("something odd\nlast line\n")).isEqualTo("last line");
    }
}
