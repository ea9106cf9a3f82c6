package io.eflow.iothub.emulator.mqtt;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslHandler;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;

/** The certificates a TLS client presented, for the sessions that authenticate with them. */
public final class ClientCertificates {
    private ClientCertificates() {
    }

    /** Leaf first, as the handshake gives them; empty when the client presented none. */
    public static List<X509Certificate> of(ChannelHandlerContext ctx) {
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        List<X509Certificate> chain = new ArrayList<>();
        if (ssl == null) {
            return chain;
        }
        try {
            for (Certificate certificate : ssl.engine().getSession().getPeerCertificates()) {
                if (certificate instanceof X509Certificate x509) {
                    chain.add(x509);
                }
            }
        } catch (SSLPeerUnverifiedException e) {
            chain.clear();
        }
        return chain;
    }
}
