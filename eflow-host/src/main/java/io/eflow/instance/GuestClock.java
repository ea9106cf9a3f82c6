package io.eflow.instance;

import io.eflow.channel.CommandResult;
import io.eflow.instance.model.BackendKind;
import io.eflow.instance.model.InstanceConfig;
import io.eflow.instance.model.PowerState;
import io.eflow.platform.EflowException;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The time-sync feature: a VM guest keeps its own clock, which falls behind while QEMU is paused (a host that slept)
 * and is wrong after anyone sets it; the host reads it over the management channel and, when it is more than
 * {@link #TOLERANCE} off, sets it to the host's, as Hyper-V's time synchronization does for the original. A namespace
 * guest shares the host's kernel clock and has nothing to set.
 */
public final class GuestClock {
    /** What the host leaves alone: well above a reading's error, well below what certificates and tokens notice. */
    static final Duration TOLERANCE = Duration.ofSeconds(1);
    /** A reading slower than this says too little about when the guest read its clock. */
    static final Duration SLOWEST_READING = Duration.ofSeconds(2);
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    /** Sets the clock back by $1 nanoseconds (forward when negative), from its own reading. */
    static final String SET_BY_OFFSET = "n=$(( $(date +%s%N) - $1 )); "
            + "date -u -s \"@$(( n / 1000000000 )).$(printf %09d $(( n % 1000000000 )))\" >/dev/null";

    private final InstanceManager instances;

    public GuestClock(InstanceManager instances) {
        this.instances = instances;
    }

    /**
     * Sets the guest's clock when time-sync is on and it is off by more than the tolerance.
     *
     * @return how far ahead of the host's (negative: behind) the guest's clock was when set; empty when left alone
     */
    public Optional<Duration> keep(String name) {
        InstanceConfig config = instances.config(name);
        if (config.backend() != BackendKind.QEMU || !config.security().timeSync()
                || instances.powerState(name) != PowerState.RUNNING) {
            return Optional.empty();
        }
        Instant sent = Instant.now();
        long start = System.nanoTime();
        CommandResult read = instances.invoke(name, List.of("date", "-u", "+%s.%N"), TIMEOUT);
        Duration roundTrip = Duration.ofNanos(System.nanoTime() - start);
        if (read.exitCode() != 0) {
            throw new EflowException("cannot read the guest's clock: " + read.stderrText().strip());
        }
        Optional<Duration> offset = offset(sent, roundTrip, read.stdoutText());
        if (offset.isEmpty()) {
            return Optional.empty();
        }
        // The guest moves its own clock by the offset measured, whenever the command gets to run: a time computed here
        // would be stale by however long the command took to start.
        CommandResult set = instances.invoke(name, List.of("sudo", "-n", "sh", "-c", SET_BY_OFFSET, "sh",
                Long.toString(offset.get().toNanos())), TIMEOUT);
        if (set.exitCode() != 0) {
            throw new EflowException("cannot set the guest's clock: " + set.stderrText().strip());
        }
        return offset;
    }

    /**
     * How far the guest's clock (its {@code date -u +%s.%N}, read in a round trip that began at {@code sent} by the
     * host's clock) is ahead of the host's, when that is beyond the tolerance and the reading was quick enough to tell.
     */
    static Optional<Duration> offset(Instant sent, Duration roundTrip, String guestOutput) {
        if (roundTrip.compareTo(SLOWEST_READING) > 0) {
            return Optional.empty();
        }
        Instant guest;
        try {
            BigDecimal seconds = new BigDecimal(guestOutput.strip());
            guest = Instant.ofEpochSecond(seconds.longValue(), seconds.remainder(BigDecimal.ONE).movePointRight(9).longValue());
        } catch (NumberFormatException | ArithmeticException e) {
            throw new EflowException("the guest's clock reads '" + guestOutput.strip() + "', not seconds since the epoch");
        }
        Duration offset = Duration.between(sent.plus(roundTrip.dividedBy(2)), guest);
        return offset.abs().compareTo(TOLERANCE) > 0 ? Optional.of(offset) : Optional.empty();
    }
}
