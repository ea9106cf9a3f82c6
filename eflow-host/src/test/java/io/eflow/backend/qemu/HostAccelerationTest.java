package io.eflow.backend.qemu;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The daemon pays for the accelerator probe (a QEMU start) once; how long one takes is bench/host-probes.sh's. */
class HostAccelerationTest {

    @Test
    void theDaemonProbesOnceAndKeepsTheAnswer() {
        AtomicInteger probes = new AtomicInteger();
        HostAcceleration acceleration = new HostAcceleration(() -> {
            probes.incrementAndGet();
            return Accelerator.KVM;
        });
        assertThat(probes).hasValue(0);
        assertThat(acceleration.accelerator()).isEqualTo(Accelerator.KVM);
        assertThat(acceleration.accelerator()).isEqualTo(Accelerator.KVM);
        assertThat(probes).as("probed at the first question only").hasValue(1);
    }
}
