package io.eflow.edge.hub.upstream;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A bare MQTT 3.1.1 server on a loopback port that records what a client sends: the CONNECT packets (to check
 * the login IoT Hub would check, which no local broker can) and the PUBLISH packets, acknowledged or, on request,
 * left without their PUBACK. Netty's MQTT codec reads and writes the packets.
 */
final class MqttRecorder implements AutoCloseable {
    record Connect(String clientId, String username, String password) {
    }

    record Publish(String topic, byte[] payload, boolean duplicate) {
        String body() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    private final EventLoopGroup group = new NioEventLoopGroup(1);
    private final ChannelGroup clients = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Channel server;
    private final List<Connect> connects = new ArrayList<>();
    private final List<Publish> publishes = new ArrayList<>();
    private final List<String> subscriptions = new ArrayList<>();
    private int disconnects;
    private volatile boolean acknowledge = true;

    MqttRecorder() throws InterruptedException {
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        clients.add(channel);
                        channel.pipeline().addLast(new MqttDecoder(1 << 20), MqttEncoder.INSTANCE, new Handler());
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Whether PUBLISH packets get their PUBACK from now on. */
    void acknowledge(boolean acknowledge) {
        this.acknowledge = acknowledge;
    }

    synchronized List<Connect> connects() {
        return List.copyOf(connects);
    }

    synchronized List<Publish> publishes() {
        return List.copyOf(publishes);
    }

    synchronized List<String> subscriptions() {
        return List.copyOf(subscriptions);
    }

    synchronized int disconnects() {
        return disconnects;
    }

    private final class Handler extends SimpleChannelInboundHandler<MqttMessage> {
        @Override
        protected void channelRead0(ChannelHandlerContext context, MqttMessage message) {
            if (message.decoderResult().isFailure()) {
                context.close();
                return;
            }
            MqttMessageType type = message.fixedHeader().messageType();
            switch (type) {
                case CONNECT -> {
                    MqttConnectMessage connect = (MqttConnectMessage) message;
                    byte[] password = connect.payload().passwordInBytes();
                    synchronized (MqttRecorder.this) {
                        connects.add(new Connect(connect.payload().clientIdentifier(), connect.payload().userName(),
                                password == null ? null : new String(password, StandardCharsets.UTF_8)));
                    }
                    context.writeAndFlush(MqttMessageBuilders.connAck()
                            .returnCode(MqttConnectReturnCode.CONNECTION_ACCEPTED).build());
                }
                case SUBSCRIBE -> {
                    MqttSubscribeMessage subscribe = (MqttSubscribeMessage) message;
                    MqttMessageBuilders.SubAckBuilder ack = MqttMessageBuilders.subAck()
                            .packetId(subscribe.variableHeader().messageId());
                    for (MqttTopicSubscription topic : subscribe.payload().topicSubscriptions()) {
                        synchronized (MqttRecorder.this) {
                            subscriptions.add(topic.topicName());
                        }
                        ack.addGrantedQos(MqttQoS.AT_LEAST_ONCE);
                    }
                    context.writeAndFlush(ack.build());
                }
                case PUBLISH -> {
                    MqttPublishMessage publish = (MqttPublishMessage) message;
                    synchronized (MqttRecorder.this) {
                        publishes.add(new Publish(publish.variableHeader().topicName(),
                                ByteBufUtil.getBytes(publish.payload()), publish.fixedHeader().isDup()));
                        MqttRecorder.this.notifyAll();
                    }
                    if (publish.fixedHeader().qosLevel() == MqttQoS.AT_LEAST_ONCE && acknowledge) {
                        context.writeAndFlush(MqttMessageBuilders.pubAck()
                                .packetId(publish.variableHeader().packetId()).build());
                    }
                }
                case PINGREQ -> context.writeAndFlush(new MqttMessage(
                        new MqttFixedHeader(MqttMessageType.PINGRESP, false, MqttQoS.AT_MOST_ONCE, false, 0)));
                case DISCONNECT -> {
                    synchronized (MqttRecorder.this) {
                        disconnects++;
                    }
                    context.close();
                }
                default -> {
                    // nothing else matters to these tests
                }
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        clients.close().await();
        server.close().await();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await();
    }
}
