package io.eflow.channel;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.CompletionHandler;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * bench/responsiveness.sh, host half: how late the UNIX-socket channel under MINA fails a read after its 200 ms
 * timeout, next to a ScheduledExecutorService's lateness on the same delay in the same run. Argument: runs.
 */
public final class ReadTimeoutBenchmark {
    private static final long TIMEOUT_MS = 200;

    private ReadTimeoutBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Path dir = Files.createTempDirectory("eflow-read-timeout-bench");
        UnixSocketChannelGroup group = new UnixSocketChannelGroup("bench");
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(dir.resolve("s.sock"));
        List<Double> channel = new ArrayList<>();
        List<Double> timer = new ArrayList<>();
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(address);
            for (int i = 0; i < runs; i++) {
                UnixSocketChannel client = group.openChannel();
                client.connect(address).get(5, TimeUnit.SECONDS);
                try (SocketChannel peer = server.accept()) {
                    CompletableFuture<Long> failed = new CompletableFuture<>();
                    long start = System.nanoTime();
                    client.read(ByteBuffer.allocate(8), TIMEOUT_MS, TimeUnit.MILLISECONDS, null, new CompletionHandler<Integer, Object>() {
                        @Override
                        public void completed(Integer result, Object attachment) {
                            failed.completeExceptionally(new IllegalStateException("read " + result));
                        }

                        @Override
                        public void failed(Throwable exc, Object attachment) {
                            failed.complete(System.nanoTime());
                        }
                    });
                    channel.add((failed.get(5, TimeUnit.SECONDS) - start) / 1e6 - TIMEOUT_MS);
                }
                long start = System.nanoTime();
                timer.add(executor.schedule(() -> (System.nanoTime() - start) / 1e6 - TIMEOUT_MS, TIMEOUT_MS,
                        TimeUnit.MILLISECONDS).get(5, TimeUnit.SECONDS));
            }
        } finally {
            executor.shutdownNow();
            group.shutdownNow();
            Files.deleteIfExists(address.getPath());
            Files.deleteIfExists(dir);
        }
        System.out.printf("%-34s %-40s | ScheduledExecutor, late after 200 ms: median %.2f ms%n",
                "channel read, late after 200 ms", String.format("median %.2f ms (n=%d)", median(channel), runs), median(timer));
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get((sorted.size() - 1) / 2);
    }
}
