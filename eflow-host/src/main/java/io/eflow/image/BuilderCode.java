package io.eflow.image;

import io.eflow.firewall.GuestFirewall;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/**
 * A hash of the builder's own code that shapes the image (customize, unpack, pack, verity), so that changing it
 * makes a new image instead of serving a stale one from the cache. javac's output is stable for the same source.
 */
final class BuilderCode {
    private static final List<Class<?>> SHAPERS = List.of(RootfsCustomizer.class, GuestAccounts.class, PayloadUnpacker.class,
            ErofsPacker.class, VerityHashTree.class, ImageSealer.class, ImageManifest.class, Initramfs.class, CpioWriter.class,
            GuestFirewall.class);
    static final String SHA256 = compute();

    private BuilderCode() {
    }

    private static String compute() {
        MessageDigest digest = VerityHashTree.sha256();
        for (Class<?> type : SHAPERS) {
            String resource = "/" + type.getName().replace('.', '/') + ".class";
            try (InputStream in = type.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("class file " + resource + " is not on the class path");
                }
                digest.update(resource.getBytes(StandardCharsets.UTF_8));
                digest.update(in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
