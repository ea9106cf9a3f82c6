package io.eflow.iothub.emulator.dps;

import java.security.cert.X509Certificate;
import java.util.List;

/** What a registering device shows: a SAS token (HTTP's Authorization header, MQTT's password) or its certificates. */
sealed interface Proof {
    record Token(String sas) implements Proof {
    }

    /** @param chain leaf first, as the TLS handshake gives it; empty when the client presented none */
    record Certificates(List<X509Certificate> chain) implements Proof {
        public Certificates {
            chain = List.copyOf(chain);
        }
    }
}
