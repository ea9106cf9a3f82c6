package io.eflow.it;

import io.eflow.instance.model.InstanceLayout;
import io.eflow.instance.model.PowerState;
import io.eflow.platform.EflowException;
import io.eflow.platform.EflowPaths;
import io.eflow.platform.Exec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Deploy and remove as transactions: remove leaves no mount, namespace, process, socket or file behind. */
@BothBackends
class LifecycleIT {
    @Parameter
    String backend;

    @Test
    void removeLeavesNothingBehind(TestHost host) throws Exception {
        String name = "it-life";
        var manager = host.manager();
        manager.deploy(TestHost.request(name, backend), line -> { });
        InstanceLayout layout = InstanceLayout.of(host.paths(), name);
        long initPid = Traces.guestPid(layout);
        assertThat(ProcessHandle.of(initPid)).isPresent();
        assertThat(Traces.of(host, name).any()).isTrue();
        assertThat(manager.invoke(name, List.of("true"), Duration.ofSeconds(10)).exitCode()).isZero();

        manager.remove(name);

        // the guest's init is gone once its parent has reaped it
        await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(initPid).map(ProcessHandle::isAlive).orElse(false) == false);
        Traces after = Traces.of(host, name);
        assertThat(after.describe()).isEqualTo(Traces.none().describe());
        assertThat(manager.list()).noneMatch(i -> i.name().equals(name));
    }

    @Test
    void aSecondDeployWithANameInUseIsRefusedAndTheFirstKeepsRunning(TestHost host) {
        String guest = host.sharedGuest(backend);
        assertThatThrownBy(() -> host.manager().deploy(TestHost.request(guest, backend), line -> { }))
                .isInstanceOf(EflowException.class)
                .hasMessageContaining("already exists")
                .extracting(e -> ((EflowException) e).status()).isEqualTo(409);
        assertThat(host.manager().get(guest).powerState()).isEqualTo(PowerState.RUNNING);
    }

    @Test
    void anUnknownInstanceIsNamedInTheError(TestHost host) {
        assertThatThrownBy(() -> host.manager().resolveName("no-such-guest"))
                .isInstanceOf(EflowException.class)
                .hasMessageContaining("no instance named 'no-such-guest'");
    }

    /** Everything an instance of either backend can leave on the host, gathered in one comparable value. */
    record Traces(boolean state, boolean run, boolean log, List<String> mounts, boolean netns, boolean container,
                  boolean nftTable, boolean qemu) {
        /** The guest's first process on the host: its init (namespace) or QEMU. */
        static long guestPid(InstanceLayout layout) throws IOException {
            Path pidFile = layout.run().resolve("guest.pid");
            if (!Files.exists(pidFile)) {
                pidFile = layout.run().resolve("qemu.pid");
            }
            return Long.parseLong(Files.readString(pidFile).trim());
        }

        static Traces of(TestHost host, String name) {
            return of(host.paths(), name);
        }

        static Traces of(EflowPaths paths, String name) {
            InstanceLayout layout = InstanceLayout.of(paths, name);
            List<String> mounts;
            try {
                mounts = Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                        .filter(l -> l.contains(layout.run().toString()) || l.contains(layout.state().toString())).toList();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            String id = layout.hostId();
            boolean container = Exec.of("crun", "--root", paths.run().resolve("crun").toString(), "state", "eflow-" + id)
                    .run().ok();
            boolean table = Exec.of("nft", "list", "table", "ip", "eflow_" + id.replace('-', '_')).run().ok();
            // QEMU names itself after the instance (-name eflow-NAME); a run folder of this test's home in its arguments
            boolean qemu = ProcessHandle.allProcesses().anyMatch(p -> p.info().commandLine()
                    .filter(c -> c.contains("qemu-system") && c.contains(layout.run().toString())).isPresent());
            return new Traces(Files.exists(layout.state()), Files.exists(layout.run()), Files.exists(layout.log()), mounts,
                    Files.exists(Path.of("/run/netns/eflow-" + id)), container, table, qemu);
        }

        static Traces none() {
            return new Traces(false, false, false, List.of(), false, false, false, false);
        }

        boolean any() {
            return !describe().equals(none().describe());
        }

        String describe() {
            return toString();
        }
    }
}
