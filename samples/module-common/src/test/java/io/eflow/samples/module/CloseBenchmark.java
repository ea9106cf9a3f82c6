package io.eflow.samples.module;

import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.ModuleClient;

import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * bench/responsiveness.sh, samples half: how long the samples' hub connection takes to close while it retries an
 * absent hub (what SIGTERM waits for), next to creating and closing a bare SDK client in the same run. Argument: runs.
 */
public final class CloseBenchmark {
    /** Any well-formed module connection string: nothing answers on its port. */
    static final String CONNECTION_STRING = "HostName=hub.example;GatewayHostName=edge.example;DeviceId=d;ModuleId=m;"
            + "SharedAccessKey=c2FtcGxlcy1iZW5jaG1hcmsta2V5LW5vdC1hLXNlY3JldA==";

    private CloseBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Log log = new Log("bench", new PrintStream(OutputStream.nullOutputStream()), Clock.systemUTC());
        List<Double> connection = new ArrayList<>();
        List<Double> bare = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            HubConnection hub = new HubConnection(Optional.of(HubAccess.forwarded(CONNECTION_STRING, Optional.empty(),
                    new Forward("127.0.0.1", port))), new HubConnection.Setup() {
                    }, log).start();
            Thread.sleep(300); // inside its retry back-off
            long t0 = System.nanoTime();
            hub.close();
            connection.add((System.nanoTime() - t0) / 1e6);

            t0 = System.nanoTime();
            new ModuleClient(CONNECTION_STRING, IotHubClientProtocol.MQTT).close();
            bare.add((System.nanoTime() - t0) / 1e6);
        }
        System.out.printf("%-34s %-40s | bare SDK client, new + close: median %.2f ms%n", "samples' hub close, retrying",
                String.format("median %.2f ms (n=%d)", median(connection), runs), median(bare));
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get((sorted.size() - 1) / 2);
    }
}
