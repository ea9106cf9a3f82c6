package io.eflow.iothub.emulator.mqtt;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.mqtt.MqttConnectMessage;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** Hands a connection, at its first packet, to the session of the service that claims it, IoT Hub's by default. */
final class ConnectRouter extends ChannelInboundHandlerAdapter {
    private final List<SessionClaim> claims;
    private final Supplier<ChannelHandler> hub;

    ConnectRouter(List<SessionClaim> claims, Supplier<ChannelHandler> hub) {
        this.claims = claims;
        this.hub = hub;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        ChannelHandler session = null;
        if (message instanceof MqttConnectMessage connect) {
            session = claims.stream().map(c -> c.claim(connect)).flatMap(Optional::stream).findFirst().orElse(null);
        }
        // replace() leaves this context pointing at its successor, so the packet reaches the new session
        ctx.pipeline().replace(this, "session", session == null ? hub.get() : session);
        ctx.fireChannelRead(message);
    }
}
