package io.eflow.channel;

import io.eflow.platform.EflowException;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Standing guest→host forwards: a port on the guest's loopback whose connections the guest's sshd hands back over
 * the management session ({@code tcpip-forward}), to a port on the host's loopback. A forward belongs to the guest,
 * not to one session: it is requested again on every new session, so it outlives guest and daemon restarts.
 */
final class ReverseForwards {
    private static final Logger LOG = LoggerFactory.getLogger(ReverseForwards.class);
    private static final String LOOPBACK = "127.0.0.1";
    /** The forwards the guest's sshd has granted on one session. */
    private static final AttributeRepository.AttributeKey<Set<Forward>> GRANTED = new AttributeRepository.AttributeKey<>();

    record Forward(int guestPort, int hostPort) {
    }

    private final Map<String, Set<Forward>> byGuest = new ConcurrentHashMap<>();

    void hold(String guest, Forward forward) {
        byGuest.computeIfAbsent(guest, name -> ConcurrentHashMap.newKeySet()).add(forward);
    }

    /** The forwards every new session to the guest asks for. */
    Set<Forward> held(String guest) {
        return Set.copyOf(byGuest.getOrDefault(guest, Set.of()));
    }

    void release(String guest, Forward forward) {
        Set<Forward> forwards = byGuest.get(guest);
        if (forwards != null) {
            forwards.remove(forward);
        }
    }

    /** Requests every forward of the guest the session lacks; one that fails is logged and left for the next session. */
    void establishAll(String guest, ClientSession session) {
        for (Forward forward : List.copyOf(byGuest.getOrDefault(guest, Set.of()))) {
            try {
                establish(guest, session, forward);
            } catch (EflowException e) {
                LOG.warn("{}", e.getMessage());
            }
        }
    }

    /** Requests one forward on the session unless it has it already; a refusal (port taken, say) is an error. */
    void establish(String guest, ClientSession session, Forward forward) {
        synchronized (session) {
            Set<Forward> granted = session.computeAttributeIfAbsent(GRANTED, key -> ConcurrentHashMap.newKeySet());
            if (granted.contains(forward)) {
                return;
            }
            try {
                session.startRemotePortForwarding(new SshdSocketAddress(LOOPBACK, forward.guestPort()),
                        new SshdSocketAddress(LOOPBACK, forward.hostPort()));
            } catch (IOException | IllegalStateException e) {
                throw EflowException.failure("guest " + guest + " refused to listen on its port " + forward.guestPort()
                        + " for the host (is the port in use in the guest?): " + GuestErrors.describe(e), e);
            }
            granted.add(forward);
        }
    }

    /** Withdraws the forward from the session, if it had it. */
    void cancel(ClientSession session, Forward forward) {
        synchronized (session) {
            Set<Forward> granted = session.getAttribute(GRANTED);
            if (granted == null || !granted.remove(forward)) {
                return;
            }
            try {
                session.stopRemotePortForwarding(new SshdSocketAddress(LOOPBACK, forward.guestPort()));
            } catch (IOException | IllegalStateException e) {
                LOG.warn("withdrawing the forward of guest port {}: {}", forward.guestPort(), GuestErrors.describe(e));
            }
        }
    }
}
