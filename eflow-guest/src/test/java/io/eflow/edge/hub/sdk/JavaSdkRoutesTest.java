package io.eflow.edge.hub.sdk;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubMessageResult;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.MessageCallback;
import com.microsoft.azure.sdk.iot.device.MessageProperty;
import com.microsoft.azure.sdk.iot.device.ModuleClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Route conditions on what the official Java SDK sends: a {@link ModuleClient}'s {@code sendEvent(message, output)}
 * through the hub's routes to another module's input callbacks, both over MQTT with TLS trusting the edge CA, each
 * signing its own tokens from its key (the Java SDK signs the resource unescaped). The Java SDK ends a module's events
 * topic with a '/' after the property bag.
 */
class JavaSdkRoutesTest {
    private static final List<String> INPUTS = List.of("alerts", "json", "noted", "status");

    @TempDir
    Path dir;

    @Test
    void routeConditionsTakeTheJavaSdksOutputEventsAndItsSinkReadsThemIntact() throws Exception {
        try (SdkRoutes routes = SdkRoutes.start(dir)) {
            RedirectedTls tls = new RedirectedTls(trusting(routes.service.caCertificatePem()), routes.service.tlsPort());
            ClientOptions options = ClientOptions.builder().sslContext(tls.context).build();
            List<SdkRoutes.Received> received = new CopyOnWriteArrayList<>();
            ModuleClient sink = new ModuleClient(routes.connectionString("sink"), IotHubClientProtocol.MQTT, options);
            for (String input : INPUTS) {
                sink.setMessageCallback(input, recorder(input, received), null);
            }
            // a message whose input the SDK cannot read lands here, and fails the comparison by its input
            sink.setMessageCallback(recorder("(no input callback)", received), null);
            ModuleClient sensor = new ModuleClient(routes.connectionString("sensor"), IotHubClientProtocol.MQTT, options);
            try {
                sink.open(false);
                sensor.open(false);
                for (SdkRoutes.Sent sent : SdkRoutes.SENT) {
                    sensor.sendEvent(message(sent), sent.output()); // returns on the hub's PUBACK: stored and routed
                }
                await().atMost(Duration.ofSeconds(15)).until(() -> received.size() >= routes.routed());
            } finally {
                sensor.close();
                sink.close();
            }

            assertThat(tls.asked).isNotEmpty().allMatch("localhost:8883"::equals);
            routes.assertReceived(received);
        }
    }

    private static Message message(SdkRoutes.Sent sent) {
        Message message = new Message(sent.id().getBytes(StandardCharsets.UTF_8));
        message.setMessageId(sent.messageId());
        message.setCorrelationId(sent.correlationId());
        sent.contentType().ifPresent(message::setContentType);
        sent.contentEncoding().ifPresent(message::setContentEncoding);
        sent.properties().forEach(message::setProperty);
        return message;
    }

    /** Records what the SDK hands an input's callback, naming the input as the SDK read it from the topic. */
    private static MessageCallback recorder(String callback, List<SdkRoutes.Received> received) {
        return (message, context) -> {
            Map<String, String> properties = new TreeMap<>();
            for (MessageProperty property : message.getProperties()) {
                properties.put(property.getName(), property.getValue());
            }
            String input = callback.equals(message.getInputName()) ? callback : callback + " / " + message.getInputName();
            received.add(new SdkRoutes.Received(input, new String(message.getBytes(), StandardCharsets.UTF_8),
                    properties, message.getMessageId(), message.getCorrelationId(), message.getContentType(),
                    message.getContentEncoding()));
            return IotHubMessageResult.COMPLETE;
        };
    }

    /** TLS trusting the edge CA alone, as a module does with the CA file the agent hands it. */
    private static SSLContext trusting(String pem) throws Exception {
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        trusted.setCertificateEntry("edge-ca", CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))));
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}
