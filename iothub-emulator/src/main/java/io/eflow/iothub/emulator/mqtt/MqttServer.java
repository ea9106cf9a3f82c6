package io.eflow.iothub.emulator.mqtt;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.eflow.iothub.emulator.auth.Authenticator;
import io.eflow.iothub.emulator.hub.Connections;
import io.eflow.iothub.emulator.hub.MethodCalls;
import io.eflow.iothub.emulator.hub.Telemetry;
import io.eflow.iothub.emulator.registry.Registry;
import io.eflow.iothub.emulator.tls.ServerIdentity;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The device side: MQTT 3.1.1 over TLS (Netty's MQTT codec under {@link DeviceSession}). A client certificate is
 * asked for but not required, and any is taken in the handshake: the handshake proves the client holds its key, and
 * whether the certificate belongs to the identity is the authenticator's question (IoT Hub's selfSigned thumbprints).
 * A connection whose CONNECT another service claims ({@link SessionClaim}: DPS) is that service's session instead.
 */
public final class MqttServer implements AutoCloseable {
    /** A PUBLISH may carry 256 KB of message plus its topic (the property bag); past this the decoder gives up. */
    private static final int MAX_PACKET_BYTES = DeviceSession.MAX_MESSAGE_BYTES + 64 * 1024;

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel server;

    private MqttServer(EventLoopGroup boss, EventLoopGroup workers, Channel server) {
        this.boss = boss;
        this.workers = workers;
        this.server = server;
    }

    public static MqttServer start(InetSocketAddress address, ServerIdentity identity, Authenticator authenticator,
                                   Registry registry, Connections connections, MethodCalls methods, Telemetry telemetry,
                                   ObjectMapper json, List<SessionClaim> claims) throws IOException {
        SslContext ssl = SslContextBuilder.forServer(identity.key(), identity.chainArray())
                .clientAuth(ClientAuth.OPTIONAL).trustManager(InsecureTrustManagerFactory.INSTANCE).build();
        EventLoopGroup boss = new NioEventLoopGroup(1);
        EventLoopGroup workers = new NioEventLoopGroup(2);
        ServerBootstrap bootstrap = new ServerBootstrap().group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast("tls", ssl.newHandler(channel.alloc()))
                                .addLast("decoder", new MqttDecoder(MAX_PACKET_BYTES))
                                .addLast("encoder", MqttEncoder.INSTANCE)
                                .addLast("router", new ConnectRouter(claims, () -> new DeviceSession(authenticator,
                                        registry, connections, methods, telemetry, json)));
                    }
                });
        try {
            return new MqttServer(boss, workers, bootstrap.bind(address).sync().channel());
        } catch (Exception e) {
            shutdown(boss, workers);
            throw new IOException("cannot listen for MQTT on " + address + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        shutdown(boss, workers);
    }

    private static void shutdown(EventLoopGroup boss, EventLoopGroup workers) {
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
