package io.eflow.edge.proxy;

import io.eflow.contract.proxy.ProxySettings;

import java.io.IOException;
import java.net.ProxySelector;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.function.Supplier;

/**
 * The proxy settings the host wrote into the guest ({@link ProxySettings#GUEST_FILE}), read again whenever the file
 * changed: {@code eflow proxy set} takes effect at the next connection, without restarting anything.
 */
public final class GuestProxy implements Supplier<ProxySettings> {
    /** The one the runtime's clients share. */
    public static final GuestProxy INSTANCE = new GuestProxy(Path.of(ProxySettings.GUEST_FILE));
    private final Path file;
    private FileTime readAt;
    private ProxySettings settings = ProxySettings.none();

    public GuestProxy(Path file) {
        this.file = file;
    }

    @Override
    public synchronized ProxySettings get() {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            if (!modified.equals(readAt)) {
                settings = ProxySettings.parse(Files.readString(file));
                readAt = modified;
            }
        } catch (NoSuchFileException e) {
            settings = ProxySettings.none();
            readAt = null;
        } catch (IOException | IllegalArgumentException e) {
            // a file being replaced, or one the host did not write: keep what was read last
        }
        return settings;
    }

    /** For Java's HTTP clients: the current settings' choice for each request. */
    public ProxySelector selector() {
        return ProxySettings.selector(this);
    }
}
