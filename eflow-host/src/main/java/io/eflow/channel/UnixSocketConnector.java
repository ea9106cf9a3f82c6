package io.eflow.channel;

import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.PropertyResolver;
import org.apache.sshd.common.io.DefaultIoConnectFuture;
import org.apache.sshd.common.io.IoConnectFuture;
import org.apache.sshd.common.io.IoHandler;
import org.apache.sshd.common.io.nio2.Nio2Connector;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.AsynchronousChannelGroup;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.UnsupportedAddressTypeException;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;

/**
 * MINA's NIO2 connector, pointed at UNIX sockets. The SSH layer keeps a placeholder TCP address named after the
 * guest (it insists on one); the real target travels in the connection context as {@link #SOCKET_PATH}.
 *
 * <p>One kind of connection is real TCP: a reverse forward's ({@code forwarded-tcpip}) way to its host-side target,
 * which MINA opens with this same connector, a resolved loopback address and no context.
 */
final class UnixSocketConnector extends Nio2Connector {
    /** The UNIX socket a connection goes to; set by {@link GuestSshClient}. */
    static final AttributeRepository.AttributeKey<Path> SOCKET_PATH = new AttributeRepository.AttributeKey<>();

    UnixSocketConnector(UnixSocketServiceFactory factory, PropertyResolver properties, IoHandler handler,
            UnixSocketChannelGroup group, ExecutorService executor) {
        super(factory, properties, handler, group, executor);
    }

    @Override
    public IoConnectFuture connect(SocketAddress address, AttributeRepository context, SocketAddress localAddress) {
        Path socket = context == null ? null : context.getAttribute(SOCKET_PATH);
        if (address instanceof UnixDomainSocketAddress) {
            return super.connect(address, context, localAddress);
        }
        if (socket == null && isResolvedLoopback(address)) {
            return super.connect(address, context, localAddress);
        }
        if (socket == null) {
            DefaultIoConnectFuture failed = new DefaultIoConnectFuture(address, null);
            failed.setException(new UnsupportedAddressTypeException());
            return failed;
        }
        return super.connect(UnixDomainSocketAddress.of(socket), context, localAddress);
    }

    @Override
    protected AsynchronousSocketChannel openAsynchronousSocketChannel(SocketAddress address,
            AsynchronousChannelGroup group) throws IOException {
        if (address instanceof InetSocketAddress) {
            return AsynchronousSocketChannel.open(); // the JDK's default group: TCP needs no threads of ours
        }
        return ((UnixSocketChannelGroup) group).openChannel();
    }

    /** Forward targets are host loopback ports only: nothing a guest asks for can reach beyond this machine. */
    private static boolean isResolvedLoopback(SocketAddress address) {
        return address instanceof InetSocketAddress inet && !inet.isUnresolved() && inet.getAddress().isLoopbackAddress();
    }
}
