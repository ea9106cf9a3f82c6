package io.eflow.instance;

import io.eflow.instance.model.SharedFolder;
import io.eflow.platform.EflowPaths;
import io.eflow.platform.InvalidValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ShareCheckTest {
    @TempDir
    Path tmp;

    private ShareCheck check() {
        return new ShareCheck(EflowPaths.from(Map.of("EFLOW_HOME", tmp.resolve("eflow").toString(), "EFLOW_CACHE",
                tmp.resolve("cache").toString())));
    }

    private static SharedFolder share(Path host, String guest) {
        return new SharedFolder(host.toString(), guest, false);
    }

    @Test
    void aFolderOfItsOwnIsAddedByItsRealPath() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("plant/data"));
        Path link = Files.createSymbolicLink(tmp.resolve("data-link"), data);
        List<SharedFolder> shares = check().add(List.of(), new SharedFolder(link.toString(), "/home/iotedge-user/data", true));
        assertThat(shares).containsExactly(new SharedFolder(data.toRealPath().toString(), "/home/iotedge-user/data", true));
    }

    @Test
    void theHostsSystemAndEflowsOwnStateAreRefusedAlsoThroughALink() throws Exception {
        Files.createDirectories(tmp.resolve("eflow/instances/edge1"));
        Path toEtc = Files.createSymbolicLink(tmp.resolve("innocent"), Path.of("/etc"));
        assertThatThrownBy(() -> check().add(List.of(), share(Path.of("/"), "/var/x"))).isInstanceOf(InvalidValue.class)
                .hasMessage("hostPath / would share the host's whole file system with the guest: choose a folder of its own");
        assertThatThrownBy(() -> check().add(List.of(), share(Path.of("/etc/ssh"), "/var/x"))).hasMessageContaining("the host's /etc");
        assertThatThrownBy(() -> check().add(List.of(), share(toEtc, "/var/x"))).hasMessageContaining("the host's /etc");
        assertThatThrownBy(() -> check().add(List.of(), share(Path.of("/proc"), "/var/x"))).hasMessageContaining("the host's /proc");
        assertThatThrownBy(() -> check().add(List.of(), share(tmp.resolve("eflow/instances/edge1"), "/var/x")))
                .hasMessageContaining("eflow's own state");
        assertThatThrownBy(() -> check().add(List.of(), share(tmp, "/var/x"))).as("a folder that holds eflow's state")
                .hasMessageContaining("eflow's own state");
    }

    @Test
    void whatIsNotAFolderIsRefused() throws Exception {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        assertThatThrownBy(() -> check().add(List.of(), share(file, "/var/x"))).hasMessage("hostPath " + file + " is not a folder");
        assertThatThrownBy(() -> check().add(List.of(), share(tmp.resolve("absent"), "/var/x")))
                .hasMessage("hostPath " + tmp.resolve("absent") + " does not exist");
    }

    @Test
    void guestFoldersMayNotNestOrCoincideAndTheirNumberIsBounded() throws Exception {
        Path a = Files.createDirectories(tmp.resolve("a"));
        List<SharedFolder> one = check().add(List.of(), share(a, "/var/plant"));
        assertThatThrownBy(() -> check().add(one, share(a, "/var/plant/sub"))).hasMessage("guestPath /var/plant/sub overlaps the shared"
                + " folder at /var/plant");
        assertThatThrownBy(() -> check().add(one, share(a, "/var/plant"))).hasMessageContaining("overlaps");
        assertThat(check().add(one, share(a, "/var/plant2"))).hasSize(2);
        List<SharedFolder> full = new ArrayList<>();
        for (int i = 0; i < ShareCheck.MAX_SHARES; i++) {
            full.add(share(a, "/var/s" + i));
        }
        assertThatThrownBy(() -> check().add(full, share(a, "/var/more"))).hasMessageContaining("at most 16 shared folders");
    }

    @Test
    void guestFoldersAreWhereTheGuestCanMountAndNothingOfItsSystem() {
        assertThat(new SharedFolder("/srv", "/tmp/host-shared/Test1", false).guestPath()).isEqualTo("/tmp/host-shared/Test1");
        for (String bad : List.of("/home", "/etc/x", "/usr/local/x", "/var/lib/eflow-guest", "/var/.eflow/x", "relative/x", "/var/a b",
                "/var/x,y", "/var/../etc", "/var/x/", "/var//x")) {
            assertThatThrownBy(() -> new SharedFolder("/srv", bad, false)).as(bad).isInstanceOf(InvalidValue.class)
                    .hasMessageStartingWith("guestPath must be");
        }
        assertThatThrownBy(() -> new SharedFolder("srv", "/var/x", false)).hasMessage("hostPath must be an absolute host folder, not 'srv'");
    }
}
