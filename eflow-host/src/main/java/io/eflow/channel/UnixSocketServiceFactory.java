package io.eflow.channel;

import org.apache.sshd.common.FactoryManager;
import org.apache.sshd.common.io.IoAcceptor;
import org.apache.sshd.common.io.IoConnector;
import org.apache.sshd.common.io.IoHandler;
import org.apache.sshd.common.io.nio2.Nio2ServiceFactory;
import org.apache.sshd.common.util.threads.CloseableExecutorService;
import org.apache.sshd.common.util.threads.ThreadUtils;

import java.io.IOException;

/**
 * Builds {@link UnixSocketConnector}s. It stays a {@link Nio2ServiceFactory} so that MINA's sessions are created
 * exactly as for TCP. The NIO2 channel group its parent makes goes unused: that group is private, and the
 * connector needs our {@link UnixSocketChannelGroup} instead.
 */
final class UnixSocketServiceFactory extends Nio2ServiceFactory {
    private final CloseableExecutorService resumer;
    private final UnixSocketChannelGroup group;

    UnixSocketServiceFactory(FactoryManager manager, CloseableExecutorService executor) {
        this(manager, executor, ThreadUtils.newFixedThreadPool(manager + "-unix-resume", getNioWorkers(manager)));
    }

    private UnixSocketServiceFactory(FactoryManager manager, CloseableExecutorService executor,
            CloseableExecutorService resumer) {
        super(manager, executor, resumer); // the parent shuts the resumer down when it closes
        this.resumer = resumer;
        this.group = new UnixSocketChannelGroup("eflow-ssh-unix");
    }

    @Override
    public IoConnector createConnector(IoHandler handler) {
        return autowireCreatedService(new UnixSocketConnector(this, getFactoryManager(), handler, group, resumer));
    }

    /** eflow only dials out: the guest's sshd is OpenSSH, nothing on the host listens for SSH. */
    @Override
    public IoAcceptor createAcceptor(IoHandler handler) {
        throw new UnsupportedOperationException("the UNIX-socket transport is client-only");
    }

    @Override
    protected void doCloseImmediately() {
        try {
            group.shutdownNow();
        } catch (IOException e) {
            log.debug("closing UNIX-socket channels failed: {}", e.getMessage());
        } finally {
            super.doCloseImmediately();
        }
    }
}
