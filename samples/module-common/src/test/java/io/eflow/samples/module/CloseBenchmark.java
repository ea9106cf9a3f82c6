package io.eflow.samples.module;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * bench/responsiveness.sh, samples half: how long the samples' hub client takes to close while it retries an
 * absent hub (what SIGTERM waits for), next to creating and closing a bare Paho client in the same run. Argument:
 * runs.
 */
public final class CloseBenchmark {
    private CloseBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Log log = new Log("bench", new PrintStream(OutputStream.nullOutputStream()), Clock.systemUTC());
        List<Double> client = new ArrayList<>();
        List<Double> paho = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            EdgeHubClient hubClient = new EdgeHubClient(ModuleSettings.from(new Env(Map.of("IOTEDGE_GATEWAYHOSTNAME", "127.0.0.1",
                    "EDGEHUB_PORT", String.valueOf(port))), "m"), log);
            hubClient.start();
            Thread.sleep(300); // inside its retry back-off
            long t0 = System.nanoTime();
            hubClient.close();
            client.add((System.nanoTime() - t0) / 1e6);

            t0 = System.nanoTime();
            MqttClient bare = new MqttClient("tcp://127.0.0.1:" + port, "bench", new MemoryPersistence());
            bare.close();
            paho.add((System.nanoTime() - t0) / 1e6);
        }
        System.out.printf("%-34s %-40s | bare Paho client, new + close: median %.2f ms%n", "samples' hub client close, retrying",
                String.format("median %.2f ms (n=%d)", median(client), runs), median(paho));
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get((sorted.size() - 1) / 2);
    }
}
