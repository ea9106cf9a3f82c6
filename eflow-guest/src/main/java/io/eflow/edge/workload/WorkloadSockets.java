package io.eflow.edge.workload;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One workload API socket per module, {@code {root}/{module}/workload.sock}, which the agent mounts at IoT Edge's
 * {@code /var/run/iotedge} in that module only. The folder (0700) and the socket (0600) belong to the user the module
 * runs as, so no other user of the guest or of another module can connect; and since each socket serves one module,
 * the server knows who asks without trusting anything the caller says.
 */
public final class WorkloadSockets implements AutoCloseable {
    public static final String SOCKET = "workload.sock";
    /** A sign request is a few hundred bytes, a certificate request less. */
    private static final int MAX_REQUEST = 64 * 1024;
    private static final System.Logger LOG = System.getLogger(WorkloadSockets.class.getName());

    private final Path root;
    private final WorkloadApi api;
    private final EventLoopGroup loop = new NioEventLoopGroup(1, new DefaultThreadFactory("workload-api", true));
    private final Map<String, Served> served = new ConcurrentHashMap<>();

    private record Served(Channel channel, long uid, long gid) {
    }

    public WorkloadSockets(Path root, WorkloadApi api) {
        this.root = root;
        this.api = api;
    }

    /** The folder that holds {@code module}'s socket, whether it is served yet or not. */
    public Path folder(String module) {
        return root.resolve(module);
    }

    /**
     * Serves {@code module}'s socket, owned by {@code uid:gid}; kept as it is when it is already served for them (a
     * restarted module finds it where it was).
     */
    public synchronized Path serve(String module, long uid, long gid) throws IOException {
        Served current = served.get(module);
        Path folder = folder(module);
        if (current != null && current.channel().isOpen() && current.uid() == uid && current.gid() == gid
                && Files.exists(folder.resolve(SOCKET))) {
            return folder;
        }
        stop(module);
        Files.createDirectories(root);
        Files.createDirectories(folder);
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
        own(folder, uid, gid);
        Path socket = folder.resolve(SOCKET);
        Files.deleteIfExists(socket);
        Channel channel;
        try {
            channel = new ServerBootstrap().group(loop).channel(NioServerDomainSocketChannel.class)
                    .childHandler(initializer(module)).bind(UnixDomainSocketAddress.of(socket)).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while binding " + socket, e);
        }
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        own(socket, uid, gid);
        served.put(module, new Served(channel, uid, gid));
        return folder;
    }

    /** Stops serving {@code module} and removes its folder: the module is gone from the deployment. */
    public synchronized void stop(String module) {
        Served gone = served.remove(module);
        if (gone != null) {
            gone.channel().close().syncUninterruptibly();
        }
        Path folder = folder(module);
        if (Files.exists(folder)) {
            try (Stream<Path> files = Files.walk(folder)) {
                for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot remove " + folder + ": " + e.getMessage());
            }
        }
    }

    @Override
    public synchronized void close() {
        for (String module : Map.copyOf(served).keySet()) {
            stop(module);
        }
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static void own(Path path, long uid, long gid) throws IOException {
        Files.setAttribute(path, "unix:uid", Math.toIntExact(uid));
        Files.setAttribute(path, "unix:gid", Math.toIntExact(gid));
    }

    private ChannelInitializer<Channel> initializer(String module) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                channel.pipeline().addLast(new HttpServerCodec(), new HttpServerExpectContinueHandler(),
                        new HttpObjectAggregator(MAX_REQUEST), new Handler(module));
            }
        };
    }

    /** Hands each whole request to the API; answers keep the connection unless the client asked to close it. */
    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final String module;

        Handler(String module) {
            this.module = module;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext context, FullHttpRequest request) {
            WorkloadApi.Response answer;
            if (!request.decoderResult().isSuccess()) {
                answer = WorkloadApi.Response.error(400, "not an HTTP/1.1 request");
            } else {
                answer = api.handle(module, request.method().name(), request.uri(), ByteBufUtil.getBytes(request.content()));
            }
            byte[] body = answer.body().toString().getBytes(StandardCharsets.UTF_8);
            FullHttpResponse response = new DefaultFullHttpResponse(request.protocolVersion(),
                    HttpResponseStatus.valueOf(answer.status()), Unpooled.wrappedBuffer(body));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
            boolean keepAlive = HttpUtil.isKeepAlive(request) && request.decoderResult().isSuccess();
            HttpUtil.setKeepAlive(response, keepAlive);
            var written = context.writeAndFlush(response);
            if (!keepAlive) {
                // the Java SDK reads the answer until the connection ends
                written.addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
            LOG.log(System.Logger.Level.DEBUG, "workload API of " + module + ": " + cause.getMessage());
            context.close();
        }
    }
}
