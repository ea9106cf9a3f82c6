package io.eflow.channel;

import org.apache.sshd.common.FactoryManager;
import org.apache.sshd.common.io.AbstractIoServiceFactoryFactory;
import org.apache.sshd.common.io.IoServiceFactory;

/** The hook MINA offers for swapping its transport: {@code client.setIoServiceFactoryFactory(...)}. */
final class UnixSocketServiceFactoryFactory extends AbstractIoServiceFactoryFactory {
    UnixSocketServiceFactoryFactory() {
        super(null);
    }

    @Override
    public IoServiceFactory create(FactoryManager manager) {
        return new UnixSocketServiceFactory(manager, newExecutor());
    }
}
