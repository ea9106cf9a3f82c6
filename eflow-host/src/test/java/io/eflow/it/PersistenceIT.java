package io.eflow.it;

import io.eflow.instance.model.PowerState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Writes to the /etc overlay and to /var land on the data disk and survive a stop and a start. */
@BothBackends
class PersistenceIT {
    @Parameter
    String backend;

    @Test
    void filesInEtcAndVarSurviveStopStart(TestHost host) {
        String guest = host.sharedGuest(backend);
        String token = UUID.randomUUID().toString();
        var manager = host.manager();
        assertThat(manager.invoke(guest, List.of("sudo", "sh", "-c",
                "echo " + token + " > /etc/eflow-it && echo " + token + " > /var/eflow-it && echo " + token + " > /home/iotedge-user/it"),
                Duration.ofSeconds(30)).exitCode()).isZero();

        manager.stop(guest);
        assertThat(manager.get(guest).powerState()).isEqualTo(PowerState.STOPPED);
        manager.stop(guest); // a no-op when already stopped
        manager.start(guest);
        manager.start(guest); // a no-op when already running

        String read = manager.invoke(guest, List.of("sh", "-c", "cat /etc/eflow-it /var/eflow-it /home/iotedge-user/it"),
                Duration.ofSeconds(30)).stdoutText();
        assertThat(read.lines().toList()).containsExactly(token, token, token);
    }
}
