package io.eflow.backend.qemu;

import java.util.ArrayList;
import java.util.List;

/**
 * bench/host-probes.sh: the accelerator probe the daemon runs once (the `-accel help` listing, then on Linux a KVM
 * run of the probe firmware), next to a QEMU run of the same firmware under TCG in the same run. Argument: runs.
 */
public final class ProbeBenchmark {
    private ProbeBenchmark() {
    }

    public static void main(String[] args) {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        List<Double> probe = new ArrayList<>();
        List<Double> tcg = new ArrayList<>();
        Accelerator answer = null;
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            answer = HostAcceleration.probe();
            long t1 = System.nanoTime();
            boolean ran = KvmProbe.runs(HostAcceleration.QEMU, Accelerator.TCG);
            long t2 = System.nanoTime();
            if (!ran) {
                throw new IllegalStateException("the probe firmware did not reach its exit port under TCG");
            }
            probe.add((t1 - t0) / 1e6);
            tcg.add((t2 - t1) / 1e6);
        }
        System.out.printf("%-34s %-40s | %s%n", "accelerator probe (answer " + answer.qemuName() + ")",
                String.format("median %.0f ms (n=%d)", median(probe), runs),
                String.format("probe firmware under TCG, bare QEMU run: median %.0f ms", median(tcg)));
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get((sorted.size() - 1) / 2);
    }
}
