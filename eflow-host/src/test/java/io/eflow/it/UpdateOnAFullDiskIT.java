package io.eflow.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.eflow.boot.BootControl;
import io.eflow.boot.SlotRecords;
import io.eflow.daemon.api.DeployRequest;
import io.eflow.daemon.api.UpdateOptions;
import io.eflow.image.ReleaseKeys;
import io.eflow.instance.InstanceManager;
import io.eflow.instance.model.InstanceLayout;
import io.eflow.instance.model.Slot;
import io.eflow.platform.EflowException;
import io.eflow.platform.EflowPaths;
import io.eflow.platform.Exec;
import io.eflow.platform.FileTrees;
import io.eflow.platform.Json;
import io.eflow.update.BundleWriter;
import io.eflow.update.Semver;
import io.eflow.update.Updater;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An update applied while the host's disk has no room for the new slot: it fails in one line that says which disk
 * and how much is free, the instance is as it was (boot record, configuration, slot records and files, nothing
 * temporary left) and starts on its slot, and once there is room the same bundle applies. The host side is the same
 * for both backends, so the namespace one alone runs it.
 */
@NamespaceOnly
class UpdateOnAFullDiskIT {
    /** Room left on the disk: the journal and the boot record fit, a slot of the image does not. */
    private static final long LEFT = 8L << 20;

    @Test
    void aHostDiskWithoutRoomForTheSlotFailsInOneLineAndKeepsTheInstance(TestHost host) throws Exception {
        Path work = host.workDir("update-full-disk");
        Path home = Files.createTempDirectory("eflow-update-full");
        // a tmpfs, so the disk can be filled without filling the machine's; 4 GiB holds the slots and the data disk
        Exec.of("mount", "-t", "tmpfs", "-o", "size=4g", "tmpfs", home.toString()).check();
        String name = "it-update-full";
        EflowPaths paths = new EflowPaths(home, home.resolve("run"), home.resolve("log"), host.paths().cache(),
                host.paths().releaseKey(), host.paths().trust());
        try (InstanceManager manager = new InstanceManager(paths)) {
            try {
                manager.deploy(new DeployRequest(name, 1, 1024, 2, "small", TestHost.NAMESPACE, null, null, null,
                        host.image().dir().toString()), line -> { });
                // stopped, so the guest's own writes to its disks cannot fail meanwhile: the update is what is tested
                manager.stop(name);
                Semver next = Semver.ofImageVersion(host.image().version());
                next = new Semver(next.major(), next.minor(), next.patch() + 1);
                Path bundle = work.resolve("next.bundle");
                BundleWriter.write(host.image(), next, ReleaseKeys.load(host.paths().releaseKey()), bundle, line -> { });

                InstanceLayout layout = manager.layout(name);
                Slot active = BootControl.read(layout.bootControl()).active();
                String before = UpdateIT.snapshot(layout);
                List<Path> files = files(layout.state());
                Path filler = home.resolve("filler");
                long usable = Files.getFileStore(home).getUsableSpace();
                // the slot files are sparse: what the update writes is about the bundle's size
                assertThat(usable).as("room for the update before the fill").isGreaterThan(2 * Files.size(bundle));
                Exec.of("fallocate", "-l", Long.toString(usable - LEFT), filler.toString()).check();

                Updater updater = new Updater(manager);
                UpdateOptions staged = new UpdateOptions(false, false, true, null, null, null);
                assertThatThrownBy(() -> updater.apply(name, bundle.toString(), staged, line -> { }))
                        .isInstanceOf(EflowException.class)
                        .hasMessageStartingWith("update failed: the disk holding " + layout.state() + " is full (")
                        .hasMessageContaining("slot " + active + " is active as before, the guest is stopped (see eflow update status)."
                                + " Free space there and apply again")
                        .satisfies(e -> assertThat(e.getMessage()).as("one line").doesNotContain("\n"));
                assertThat(UpdateIT.snapshot(layout)).isEqualTo(before);
                assertThat(files(layout.state())).as("nothing temporary left; the journal is new")
                        .containsExactlyInAnyOrderElementsOf(Stream.concat(files.stream(),
                                Stream.of(layout.state().resolve("update/journal.json"))).distinct().toList());
                JsonNode journal = Json.mapper().readTree(layout.state().resolve("update/journal.json").toFile());
                assertThat(journal.path("phase").asText()).isEqualTo("FAILED");
                assertThat(journal.path("reason").asText()).contains("No space left on device");

                Files.delete(filler);
                manager.start(name);
                assertThat(manager.invoke(name, List.of("cat", "/run/eflow-boot"), Duration.ofSeconds(30)).stdoutText())
                        .contains("slot=" + active);
                assertThat(updater.apply(name, bundle.toString(), staged, line -> { }).message())
                        .contains("staged on slot " + active.other());
                assertThat(SlotRecords.holdsImage(layout, active.other())).isTrue();
            } finally {
                if (manager.list().stream().anyMatch(i -> i.name().equals(name))) {
                    manager.remove(name);
                }
            }
        } finally {
            Exec.of("umount", home.toString()).check();
            Files.delete(home);
            FileTrees.deleteRecursively(work);
        }
    }

    private static List<Path> files(Path folder) throws IOException {
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(Files::isRegularFile).toList();
        }
    }
}
