package io.eflow.edge.hub.mqtt;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The edge hub's MQTT head: MQTT 3.1.1 with IoT Hub's topic conventions, on a plain listener and optionally a TLS
 * one, in front of a {@link HubConnector}. Netty's event loops run it; nothing on them blocks.
 */
public final class MqttServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(MqttServer.class.getName());
    /** Packets written before a flush goes out regardless: bounds what waits unflushed in a long run. */
    private static final int MAX_PACKETS_PER_FLUSH = 256;

    private final EventLoopGroup acceptors = new NioEventLoopGroup(1, new DefaultThreadFactory("mqtt-accept", true));
    private final EventLoopGroup workers = new NioEventLoopGroup(0, new DefaultThreadFactory("mqtt", true));
    private final ChannelGroup connections = new DefaultChannelGroup("mqtt-connections", GlobalEventExecutor.INSTANCE);
    private final ConcurrentMap<String, MqttConnection> sessions = new ConcurrentHashMap<>();
    private final SavedSessions saved;
    private final Channel plain;
    private final Optional<Channel> tls;
    /** What each new TLS connection handshakes with; connections keep the one they began with. */
    private final AtomicReference<SslContext> tlsContext = new AtomicReference<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Starts listening.
     *
     * @throws IOException when a port cannot be bound or the TLS certificate does not make a TLS context
     */
    public MqttServer(HubConnector hub, ServerSettings settings) throws IOException {
        this(hub, settings, SavedSessions.inMemory());
    }

    /** @param saved the subscriptions of clean-session-0 clients, kept across their connections */
    public MqttServer(HubConnector hub, ServerSettings settings, SavedSessions saved) throws IOException {
        this.saved = saved;
        try {
            if (settings.tls().isPresent()) {
                tlsContext.set(settings.tls().get().serverContext());
            }
            plain = bind(hub, settings, settings.bindAddress(), settings.port(), false);
            tls = settings.tls().isEmpty() ? Optional.empty()
                    : Optional.of(bind(hub, settings, settings.tlsBindAddress(), settings.tlsPort(), true));
        } catch (IOException | RuntimeException e) {
            shutDown();
            throw e;
        }
        LOG.log(System.Logger.Level.INFO, "MQTT listening on " + settings.bindAddress() + " port " + port()
                + (tls.isPresent() ? " and TLS on " + settings.tlsBindAddress() + " port " + tlsPort().getAsInt() : ""));
    }

    /** The plain listener's port, the one bound when the settings asked for 0. */
    public int port() {
        return ((InetSocketAddress) plain.localAddress()).getPort();
    }

    public OptionalInt tlsPort() {
        return tls.map(channel -> OptionalInt.of(((InetSocketAddress) channel.localAddress()).getPort()))
                .orElse(OptionalInt.empty());
    }

    /**
     * Handshakes new TLS connections with {@code certificate} from now on (a renewed server certificate); connected
     * clients stay connected on the session they have.
     *
     * @throws IOException when the certificate does not make a TLS context; the current one stays
     * @throws IllegalStateException when the server has no TLS listener
     */
    public void useTls(TlsSettings certificate) throws IOException {
        if (tls.isEmpty()) {
            throw new IllegalStateException("the server has no TLS listener");
        }
        tlsContext.set(certificate.serverContext());
    }

    /** Stops listening and ends every connection; the hub hears of each as disconnected. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        plain.close().awaitUninterruptibly();
        tls.ifPresent(channel -> channel.close().awaitUninterruptibly());
        connections.close().awaitUninterruptibly();
        shutDown();
    }

    private Channel bind(HubConnector hub, ServerSettings settings, String address, int port, boolean withTls)
            throws IOException {
        ChannelFuture bound = new ServerBootstrap()
                .group(acceptors, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 128)
                .childOption(ChannelOption.TCP_NODELAY, true)
                // a guest's clients may vanish with their container: let TCP notice when keep-alive is 0
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        connections.add(channel);
                        if (withTls) {
                            channel.pipeline().addLast("tls", tlsContext.get().newHandler(channel.alloc()));
                        }
                        addProtocol(channel, hub, settings, sessions, saved);
                    }
                })
                .bind(address, port)
                .awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new IOException("cannot listen on " + address + " port " + port + ": "
                    + bound.cause().getMessage(), bound.cause());
        }
        return bound.channel();
    }

    /**
     * The handlers between the bytes (after TLS) and the hub: what a client's packets go through, built the same way
     * for a socket and for the fuzz test's in-memory channel.
     */
    static void addProtocol(Channel channel, HubConnector hub, ServerSettings settings,
                            ConcurrentMap<String, MqttConnection> sessions, SavedSessions saved) {
        // one write syscall (and one TLS record) for what a read or a run of the hub's answers produced, not one per
        // packet: PUBACKs of a synced batch, deliveries of a dispatch
        channel.pipeline()
                .addLast("flush", new FlushConsolidationHandler(MAX_PACKETS_PER_FLUSH, true))
                .addLast(MqttConnection.IDLE_HANDLER, new IdleStateHandler(
                        settings.connectTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS))
                .addLast("decoder", new MqttDecoder(settings.maxPacketSize()))
                .addLast("encoder", MqttEncoder.INSTANCE)
                .addLast("mqtt", new MqttConnection(channel, hub, settings, sessions, saved));
    }

    private void shutDown() {
        // no quiet period: the connections are closed, and pending tasks (the hub's last callbacks) still run
        acceptors.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly();
        workers.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
