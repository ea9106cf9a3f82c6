package io.eflow.iothub.emulator.mqtt;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.eflow.iothub.emulator.auth.Authenticator;
import io.eflow.iothub.emulator.hub.Connections;
import io.eflow.iothub.emulator.hub.MethodCalls;
import io.eflow.iothub.emulator.hub.Telemetry;
import io.eflow.iothub.emulator.registry.Registry;
import io.eflow.iothub.emulator.tls.RelayedClients;
import io.eflow.iothub.emulator.tls.ServerIdentity;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.MessageToMessageDecoder;
import io.netty.handler.codec.MessageToMessageEncoder;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.ReferenceCountUtil;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The HTTPS port, as IoT Hub has one port 443 for both: TLS ends here; a connection that opens with the WebSocket
 * upgrade to {@code /$iothub/websocket} becomes an MQTT session over binary frames (the SDKs' MQTT-over-WebSockets
 * transports), and any other is relayed byte for byte to the REST API's plain HTTP server on loopback. Sniffing the
 * first bytes rather than parsing HTTP keeps the REST side whole: keep-alive, chunked bodies and long method calls
 * pass through untouched; a client certificate is handed over beside the bytes ({@link RelayedClients}).
 */
public final class HttpsFront implements AutoCloseable {
    static final String WEBSOCKET_PATH = "/$iothub/websocket";
    private static final byte[] UPGRADE = ("GET " + WEBSOCKET_PATH).getBytes(StandardCharsets.US_ASCII);

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel server;

    private HttpsFront(EventLoopGroup boss, EventLoopGroup workers, Channel server) {
        this.boss = boss;
        this.workers = workers;
        this.server = server;
    }

    public static HttpsFront start(InetSocketAddress address, InetSocketAddress rest, ServerIdentity identity,
                                   Authenticator authenticator, Registry registry, Connections connections,
                                   MethodCalls methods, Telemetry telemetry, ObjectMapper json, RelayedClients clients)
            throws IOException {
        SslContext ssl = SslContextBuilder.forServer(identity.key(), identity.chainArray())
                .clientAuth(ClientAuth.OPTIONAL).trustManager(InsecureTrustManagerFactory.INSTANCE).build();
        EventLoopGroup boss = new NioEventLoopGroup(1);
        EventLoopGroup workers = new NioEventLoopGroup(2);
        ServerBootstrap bootstrap = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast("tls", ssl.newHandler(channel.alloc()))
                                .addLast("sniff", new Sniffer(rest, clients, () -> new DeviceSession(authenticator,
                                        registry, connections, methods, telemetry, json)));
                    }
                });
        try {
            return new HttpsFront(boss, workers, bootstrap.bind(address).sync().channel());
        } catch (Exception e) {
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IOException("cannot listen for HTTPS on " + address + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    private interface Sessions {
        DeviceSession create();
    }

    /** Decides from the first bytes of the decrypted stream, then steps aside (what it holds goes to the next handler). */
    private static final class Sniffer extends ByteToMessageDecoder {
        private final InetSocketAddress rest;
        private final RelayedClients clients;
        private final Sessions sessions;

        Sniffer(InetSocketAddress rest, RelayedClients clients, Sessions sessions) {
            this.rest = rest;
            this.clients = clients;
            this.sessions = sessions;
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            int seen = Math.min(in.readableBytes(), UPGRADE.length);
            boolean matches = true;
            for (int i = 0; i < seen && matches; i++) {
                matches = in.getByte(in.readerIndex() + i) == UPGRADE[i];
            }
            if (matches && seen < UPGRADE.length) {
                return;
            }
            if (matches) {
                ctx.pipeline().addAfter(ctx.name(), "http", new HttpServerCodec())
                        .addAfter("http", "aggregate", new HttpObjectAggregator(64 * 1024))
                        .addAfter("aggregate", "websocket", new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig
                                .newBuilder().websocketPath(WEBSOCKET_PATH).subprotocols("mqtt").checkStartsWith(true)
                                .maxFramePayloadLength(DeviceSession.MAX_MESSAGE_BYTES + 64 * 1024).build()))
                        .addAfter("websocket", "frames-in", new FramesToBytes())
                        .addAfter("frames-in", "frames-out", new BytesToFrames())
                        .addAfter("frames-out", "decoder", new MqttDecoder(DeviceSession.MAX_MESSAGE_BYTES + 64 * 1024))
                        .addAfter("decoder", "encoder", MqttEncoder.INSTANCE)
                        .addAfter("encoder", "session", sessions.create());
            } else {
                ctx.pipeline().addAfter(ctx.name(), "relay", new Relay(rest, clients));
            }
            ctx.pipeline().remove(this);
        }
    }

    private static final class FramesToBytes extends MessageToMessageDecoder<WebSocketFrame> {
        @Override
        protected void decode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> out) {
            if (frame instanceof BinaryWebSocketFrame || frame instanceof ContinuationWebSocketFrame) {
                out.add(frame.content().retain());
            } else {
                // MQTT travels in binary frames only
                ctx.close();
            }
        }
    }

    private static final class BytesToFrames extends MessageToMessageEncoder<ByteBuf> {
        @Override
        protected void encode(ChannelHandlerContext ctx, ByteBuf bytes, List<Object> out) {
            out.add(new BinaryWebSocketFrame(bytes.retain()));
        }
    }

    /** Relays the connection to the REST server; what arrives before the backend answers waits in order. */
    private static final class Relay extends ChannelInboundHandlerAdapter {
        private final InetSocketAddress backend;
        private final RelayedClients clients;
        private final List<Object> pending = new ArrayList<>();
        private Channel outbound;

        Relay(InetSocketAddress backend, RelayedClients clients) {
            this.backend = backend;
            this.clients = clients;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            Channel inbound = ctx.channel();
            Bootstrap bootstrap = new Bootstrap().group(inbound.eventLoop()).channel(NioSocketChannel.class)
                    .handler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext backendCtx, Object message) {
                            inbound.writeAndFlush(message);
                        }

                        @Override
                        public void channelInactive(ChannelHandlerContext backendCtx) {
                            closeOnFlush(inbound);
                        }

                        @Override
                        public void exceptionCaught(ChannelHandlerContext backendCtx, Throwable cause) {
                            closeOnFlush(backendCtx.channel());
                        }
                    });
            ChannelFuture connecting = bootstrap.connect(backend);
            connecting.addListener((ChannelFutureListener) future -> {
                if (!future.isSuccess()) {
                    pending.forEach(ReferenceCountUtil::release);
                    pending.clear();
                    inbound.close();
                    return;
                }
                outbound = future.channel();
                // before the first byte reaches the REST server, which looks the certificates up by this port
                int port = ((InetSocketAddress) outbound.localAddress()).getPort();
                clients.relayed(port, ClientCertificates.of(ctx));
                outbound.closeFuture().addListener(closed -> clients.closed(port));
                pending.forEach(outbound::write);
                pending.clear();
                outbound.flush();
            });
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (outbound == null) {
                pending.add(message);
            } else {
                outbound.writeAndFlush(message);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            pending.forEach(ReferenceCountUtil::release);
            pending.clear();
            if (outbound != null) {
                closeOnFlush(outbound);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            closeOnFlush(ctx.channel());
        }

        private static void closeOnFlush(Channel channel) {
            if (channel.isActive()) {
                channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
        }
    }
}
