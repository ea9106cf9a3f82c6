package io.eflow.edge.hub.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eflow.edge.hub.auth.AuthenticationException;
import io.eflow.edge.hub.auth.ClientId;
import io.eflow.edge.hub.auth.Credentials;
import io.eflow.edge.hub.message.HubMessage;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

import static org.awaitility.Awaitility.await;

/**
 * The hub behind the head, in memory: knows identities by password or by certificate subject, records what the head
 * tells it, and answers messages at once or when the test says so.
 */
final class TestHub implements HubConnector {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(10);

    /** A message the head handed over, with the answer the test may give it. */
    record Sent(ClientId from, HubMessage message, CompletableFuture<Void> answer) {
    }

    record MethodResponse(ClientId from, String requestId, int status, byte[] payload) {
    }

    private final Map<String, ClientId> byPassword = new ConcurrentHashMap<>();
    private final Map<String, ClientId> byCertificateName = new ConcurrentHashMap<>();
    private final Map<String, String> removed = new ConcurrentHashMap<>();
    final List<Credentials> credentials = new CopyOnWriteArrayList<>();
    final BlockingQueue<Sent> sent = new LinkedBlockingQueue<>();
    final Map<ClientId, ConnectedClient> links = new ConcurrentHashMap<>();
    /** "connected edge1/filter", "subscribed edge1/filter INPUTS", "disconnected edge1/filter", in order. */
    final List<String> events = new CopyOnWriteArrayList<>();
    final List<JsonNode> reported = new CopyOnWriteArrayList<>();
    final BlockingQueue<MethodResponse> methodResponses = new LinkedBlockingQueue<>();
    final AtomicLong reportedVersion = new AtomicLong(1);
    private volatile boolean holdMessages;
    private volatile CompletableFuture<JsonNode> twin = CompletableFuture.completedFuture(JSON.createObjectNode());
    private volatile CompletableFuture<Long> reportAnswer;

    TestHub allow(ClientId who, String password) {
        byPassword.put(password, who);
        return this;
    }

    /** The identity a client certificate with this common name proves. */
    TestHub allowCertificate(String commonName, ClientId who) {
        byCertificateName.put(commonName, who);
        return this;
    }

    /** Credentials that check out for an identity the hub no longer lets in. */
    TestHub removed(String password) {
        removed.put(password, password);
        return this;
    }

    /** From now on messages wait for the test to answer them. */
    void holdMessages() {
        holdMessages = true;
    }

    void twinIs(String json) throws Exception {
        twin = CompletableFuture.completedFuture(JSON.readTree(json));
    }

    void twinFails(RuntimeException failure) {
        twin = CompletableFuture.failedFuture(failure);
    }

    void reportedPatchesFail(RuntimeException failure) {
        reportAnswer = CompletableFuture.failedFuture(failure);
    }

    /** The next message the head hands over. */
    Sent nextSent() throws InterruptedException {
        Sent next = sent.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (next == null) {
            throw new AssertionError("the head handed the hub no message within " + WAIT);
        }
        return next;
    }

    ConnectedClient linkOf(ClientId who) {
        await().atMost(WAIT).until(() -> links.containsKey(who));
        return links.get(who);
    }

    /** Waits until the client's link is subscribed, as the hub would see it before pushing. */
    ConnectedClient subscribedLink(ClientId who, Subscription subscription) {
        await().atMost(WAIT).until(() -> links.containsKey(who) && links.get(who).isSubscribed(subscription));
        return links.get(who);
    }

    @Override
    public ClientId authenticate(Credentials offered) throws AuthenticationException {
        credentials.add(offered);
        if (!offered.certificates().isEmpty()) {
            String name = commonName(offered.certificates().get(0));
            ClientId who = byCertificateName.get(name);
            if (who == null) {
                throw AuthenticationException.badCredentials("no identity has the certificate of " + name);
            }
            return who;
        }
        String password = offered.password().orElse("");
        if (removed.containsKey(password)) {
            throw AuthenticationException.notAuthorized("the identity was removed");
        }
        ClientId who = byPassword.get(password);
        if (who == null) {
            throw AuthenticationException.badCredentials("wrong key");
        }
        return who;
    }

    @Override
    public void connected(ClientId who, ConnectedClient link) {
        // the event first: a test that waits for the link then finds the event
        events.add("connected " + who);
        links.put(who, link);
    }

    @Override
    public void subscribed(ClientId who, ConnectedClient link, Subscription subscription) {
        events.add("subscribed " + who + " " + subscription);
    }

    @Override
    public void disconnected(ClientId who, ConnectedClient link) {
        events.add("disconnected " + who);
        links.remove(who, link);
    }

    @Override
    public CompletableFuture<Void> send(ClientId from, HubMessage message) {
        CompletableFuture<Void> answer = holdMessages ? new CompletableFuture<>() : CompletableFuture.completedFuture(null);
        sent.add(new Sent(from, message, answer));
        return answer;
    }

    @Override
    public CompletableFuture<JsonNode> twin(ClientId who) {
        return twin;
    }

    @Override
    public CompletableFuture<Long> reportTwin(ClientId who, JsonNode patch) {
        if (reportAnswer != null) {
            return reportAnswer;
        }
        reported.add(patch);
        return CompletableFuture.completedFuture(reportedVersion.incrementAndGet());
    }

    @Override
    public void methodResponse(ClientId who, String requestId, int status, byte[] payload) {
        methodResponses.add(new MethodResponse(who, requestId, status, payload));
    }

    private static String commonName(X509Certificate certificate) {
        try {
            Optional<Rdn> cn = new LdapName(certificate.getSubjectX500Principal().getName()).getRdns().stream()
                    .filter(rdn -> rdn.getType().equalsIgnoreCase("CN")).findFirst();
            return cn.map(rdn -> rdn.getValue().toString()).orElse("");
        } catch (InvalidNameException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
