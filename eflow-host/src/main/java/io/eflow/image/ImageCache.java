package io.eflow.image;

import io.eflow.platform.EflowException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The finished images under {@code cache/images/}: one folder per recipe, a {@code current} symlink to the
 * newest, and a build lock (one builder per cache, across processes and within this JVM) held while open.
 */
final class ImageCache implements AutoCloseable {
    static final String CURRENT = "current";
    /** Finished images kept besides the current one; each is ~220 MiB. Instances copy images into slots. */
    static final int KEEP_PREVIOUS = 2;
    /** A file lock is per process: threads of one JVM queue here first. Not owner-bound, unlike a ReentrantLock. */
    private static final Semaphore IN_PROCESS = new Semaphore(1, true);

    private final Path images;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ImageCache(Path images, FileChannel lockChannel, FileLock lock) {
        this.images = images;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    static ImageCache open(Path cacheRoot, Consumer<String> progress) {
        Path images = cacheRoot.resolve("images");
        if (!IN_PROCESS.tryAcquire()) {
            progress.accept("waiting for another image build to finish…");
            IN_PROCESS.acquireUninterruptibly();
        }
        FileChannel channel = null;
        try {
            Files.createDirectories(images);
            channel = FileChannel.open(cacheRoot.resolve(".build.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                progress.accept("waiting for another image build to finish…");
                lock = channel.lock();
            }
            // Whatever a killed build left is garbage now that nobody else is building.
            AtomicDirs.removeLeftovers(images);
            AtomicDirs.removeLeftovers(cacheRoot.resolve("base"));
            Staging.removeLeftovers(cacheRoot);
            return new ImageCache(images, channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            IN_PROCESS.release();
            throw EflowException.failure("cannot use the image cache " + cacheRoot + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            IN_PROCESS.release();
            throw e;
        }
    }

    Path images() {
        return images;
    }

    Path folder(ImageRecipe recipe) {
        return images.resolve(recipe.folderName());
    }

    /** Points {@code current} at the folder with one rename, so readers see the old or the new target. */
    void makeCurrent(Path folder) {
        Path link = images.resolve(CURRENT);
        Path temp = images.resolve(AtomicDirs.TEMP_PREFIX + CURRENT);
        try {
            Files.deleteIfExists(temp);
            Files.createSymbolicLink(temp, folder.getFileName());
            Files.move(temp, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            // Newest-first ordering for pruning follows use, not only creation.
            Files.setLastModifiedTime(folder, FileTime.fromMillis(System.currentTimeMillis()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot update " + link, e);
        }
    }

    /** Deletes all but the current image and the {@link #KEEP_PREVIOUS} most recently used others. */
    List<Path> prune() {
        Path current;
        try {
            current = images.resolve(Files.readSymbolicLink(images.resolve(CURRENT))).normalize();
        } catch (IOException e) {
            return List.of();
        }
        List<Path> others = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(images)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!name.startsWith(".") && !name.equals(CURRENT) && !entry.equals(current)
                        && Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                    others.add(entry);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        others.sort(Comparator.comparing(ImageCache::modified).reversed());
        List<Path> removed = new ArrayList<>();
        for (Path old : others.subList(Math.min(KEEP_PREVIOUS, others.size()), others.size())) {
            Rootfs.deleteTree(old);
            removed.add(old);
        }
        return removed;
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it anyway
        } finally {
            closeQuietly(lockChannel);
            IN_PROCESS.release();
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing left to release
            }
        }
    }
}
