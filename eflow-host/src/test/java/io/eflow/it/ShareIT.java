package io.eflow.it;

import io.eflow.contract.wire.Check;
import io.eflow.daemon.api.ShareChange;
import io.eflow.daemon.api.ShareList;
import io.eflow.instance.InstanceManager;
import io.eflow.instance.model.SharedFolder;
import io.eflow.modules.AgentClient;
import io.eflow.platform.FileTrees;
import io.eflow.platform.InvalidValue;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Add-EflowVmSharedFolder on either backend: a read-write and a read-only host folder, added while the guest runs and
 * seen from its next start, owned by iotedge-user in the guest; the read-only one refuses writes from the guest's root
 * too, on a VM even after the guest's root remounted it read-write; bad folders are refused in one line with nothing stored. The shares are removed again with one more restart.
 */
@BothBackends
@VmCheck
class ShareIT extends SharedGuestTest {
    private static final String RW = "/home/iotedge-user/plant-rw";
    private static final String RO = "/var/plant-ro";

    @Test
    void aReadWriteAndAReadOnlyFolderFromTheNextStart() throws Exception {
        InstanceManager manager = host.manager();
        Path folders = Files.createTempDirectory("eflow-share-it-");
        try {
            Path rw = Files.createDirectories(folders.resolve("rw"));
            Path ro = Files.createDirectories(folders.resolve("ro"));
            Files.writeString(rw.resolve("hello.txt"), "from the host\n");
            Files.writeString(ro.resolve("recipe.txt"), "keep me\n");
            Path file = Files.writeString(folders.resolve("not-a-folder"), "x");

            for (SharedFolder bad : List.of(new SharedFolder(file.toString(), RW, false),
                    new SharedFolder("/etc", RW, false), new SharedFolder(host.paths().home().toString(), RW, false))) {
                assertThatThrownBy(() -> manager.hostResources().changeShares(guest, new ShareChange(List.of(bad), null)))
                        .as(bad.hostPath()).isInstanceOf(InvalidValue.class).hasMessageStartingWith("hostPath ");
            }
            assertThatThrownBy(() -> manager.hostResources().changeShares(guest, new ShareChange(List.of(new SharedFolder(rw.toString(), RW, false),
                    new SharedFolder(ro.toString(), RW + "/inner", true)), null)))
                    .as("all or none").hasMessageContaining("overlaps");
            assertThat(manager.hostResources().shares(guest).shares()).as("nothing stored by a refused change").isEmpty();

            ShareList added = manager.hostResources().changeShares(guest, new ShareChange(List.of(new SharedFolder(rw.toString(), RW, false),
                    new SharedFolder(ro.toString(), RO, true)), null));
            assertThat(added.shares()).hasSize(2);
            assertThat(added.appliesAtNextStart()).isTrue();
            assertThat(invoke("test", "-e", RW + "/hello.txt").exitCode()).as("not before the next start").isNotZero();
            AgentClient edge = new AgentClient(manager);
            assertThat(edge.check(guest)).filteredOn(check -> check.id().equals("share")).extracting(Check::status)
                    .as("eflow check before the restart").containsExactly("error", "error");

            manager.stop(guest);
            manager.start(guest);
            assertThat(edge.check(guest)).filteredOn(check -> check.id().equals("share")).extracting(Check::detail)
                    .containsExactly("mounted read-write", "mounted read-only");

            assertThat(run("cat", RW + "/hello.txt", RO + "/recipe.txt")).isEqualTo("from the host\nkeep me");
            assertThat(run("stat", "-c", "%U:%G", RW, RO)).isEqualTo("iotedge-user:iotedge-user\niotedge-user:iotedge-user");
            run("sh", "-c", "echo from the guest > " + RW + "/from-guest.txt");
            assertThat(Files.readString(rw.resolve("from-guest.txt"), StandardCharsets.UTF_8)).isEqualTo("from the guest\n");

            // A namespace guest has no CAP_SYS_ADMIN to remount with; a VM's root may remount, and QEMU still refuses writes.
            int remount = invoke("sudo", "mount", "-o", "remount,rw", RO).exitCode();
            if (backend.equals(TestHost.NAMESPACE)) {
                assertThat(remount).as("remount by the guest's root").isNotZero();
            }
            for (List<String> write : List.of(List.of("touch", RO + "/new"), List.of("sudo", "touch", RO + "/new"),
                    List.of("sudo", "sh", "-c", "echo changed > " + RO + "/recipe.txt"), List.of("sudo", "rm", RO + "/recipe.txt"))) {
                var result = invoke(write.toArray(String[]::new));
                assertThat(result.exitCode()).as(String.join(" ", write)).isNotZero();
                assertThat(new String(result.stderr(), StandardCharsets.UTF_8)).as(String.join(" ", write)).contains("Read-only file system");
            }
            assertThat(Files.readString(ro.resolve("recipe.txt"))).isEqualTo("keep me\n");
            assertThat(ro.resolve("new")).doesNotExist();
        } finally {
            for (SharedFolder share : manager.hostResources().shares(guest).shares()) {
                manager.hostResources().changeShares(guest, new ShareChange(List.of(), share.guestPath()));
            }
            manager.stop(guest);
            manager.start(guest);
            FileTrees.deleteRecursively(folders);
        }
        assertThat(invoke("test", "-e", RW + "/hello.txt").exitCode()).as("gone after remove and a restart").isNotZero();
    }
}
