package io.eflow.edge.image;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eflow.contract.json.Mappers;
import io.eflow.contract.manifest.ImageReference;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Loads image tarballs into a {@link BlobStore} and records them under their references, so that a loaded image is
 * stored exactly like a pulled one (manifest, config and layer blobs, and a reference → manifest entry).
 *
 * <p>Two formats are read, plain or gzip-compressed as a whole:
 * <ul>
 *   <li>the <b>OCI image layout</b> as a tar ({@code oci-layout}, {@code index.json}, {@code blobs/sha256/…}). An
 *       image is named by its index entry's {@code io.containerd.image.name} annotation (a full reference) or its
 *       {@code org.opencontainers.image.ref.name} annotation when that is a full reference (as Jib writes it); a
 *       ref.name that is only a tag ({@code latest}) names no repository. An entry that points to an image index
 *       is followed one level to this platform's image, as a pull does. The image manifest keeps its digest.</li>
 *   <li>the <b>docker-archive</b> of {@code docker save} ({@code manifest.json} with {@code Config},
 *       {@code RepoTags} and {@code Layers}; layers as {@code <id>/layer.tar}, {@code blobs/sha256/<hex>} or any
 *       other file, symbolic links followed). There is no image manifest in it: one is written (OCI media
 *       types) that names the config and the layer files by their sha256 digests, and each RepoTag is recorded.
 *       Each layer is checked against its {@code rootfs.diff_ids} entry in the config. A tarball that is both
 *       (Docker 25 and later write an OCI layout plus manifest.json) is read as the OCI layout, with the RepoTags
 *       of manifest.json as further names.</li>
 * </ul>
 *
 * <p>An image the archive does not name is not loaded unless the archive holds nothing else and the caller names
 * it; a name the caller gives is recorded besides the archive's own names.
 *
 * <p>The tarball is read once, as a stream: every file in it is spooled to the store's {@code tmp/} while it is
 * hashed, and a file named {@code blobs/sha256/<hex>} must hash to that name. Only when every image in the archive
 * is complete and verified are its blobs moved into the store and all its references recorded, in one write of
 * the image index: a load that fails records nothing (blobs that were stored may stay; {@link BlobStore#gc}
 * removes them).
 */
public final class ImageArchive {
    static final String REF_NAME = "org.opencontainers.image.ref.name";
    static final String CONTAINERD_NAME = "io.containerd.image.name";
    static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar";
    /** index.json, manifest.json, image manifests and configs are read into memory, up to this size. */
    private static final int MAX_DOCUMENT = 16 << 20;
    private static final int MAX_LINKS = 32;
    private static final Pattern BLOB_PATH = Pattern.compile("blobs/sha256/[a-f0-9]{64}");
    private static final ObjectMapper JSON = Mappers.standard();
    private final BlobStore store;
    private final Platform platform;

    public ImageArchive(BlobStore store) {
        this(store, Platform.host());
    }

    /** @param platform the image an index entry is followed to */
    public ImageArchive(BlobStore store, Platform platform) {
        this.store = store;
        this.platform = platform;
    }

    /**
     * Loads every named image of a tarball.
     *
     * @param name the reference to record the archive's image under as well; needed when the archive names its
     *             image by no full reference, refused when it holds more than one image
     * @return one entry per recorded reference, in archive order
     * @throws ImageException with a one-line message when the archive is unreadable, unknown, incomplete,
     *                        corrupt or unnamed; nothing is recorded then
     */
    public List<PulledImage> load(Path file, Optional<ImageReference> name) {
        try (InputStream in = Files.newInputStream(file)) {
            return load(in, file.toString(), name);
        } catch (NoSuchFileException e) {
            throw new ImageException("cannot load " + file + ": there is no such file");
        } catch (IOException e) {
            throw new ImageException("cannot read " + file + ": " + firstLine(e), e);
        }
    }

    /**
     * Loads a tarball read from a stream (which is left open), e.g. as it arrives from the host.
     *
     * @param archiveName what errors call the tarball, e.g. the file name the user gave
     * @see #load(Path, Optional)
     */
    public List<PulledImage> load(InputStream archive, String archiveName, Optional<ImageReference> name) {
        try (Contents contents = new Contents(archiveName)) {
            read(archive, contents);
            List<Image> images;
            if (contents.documents.containsKey("oci-layout") && contents.documents.containsKey("index.json")) {
                images = ociLayout(contents);
            } else if (contents.documents.containsKey("manifest.json")) {
                images = dockerArchive(contents);
            } else {
                throw new ImageException(archiveName + " is neither an OCI image layout nor a docker-archive tarball"
                        + " (it has no oci-layout and index.json, nor a manifest.json)");
            }
            Map<ImageReference, Image> byReference = name(images, name, contents);
            return store(byReference, contents);
        }
    }

    // ---- reading the tar -------------------------------------------------------------------------------------

    private void read(InputStream raw, Contents contents) {
        String archive = contents.archive;
        int entries = 0;
        TarEnd end;
        try {
            end = new TarEnd(decompress(new BufferedInputStream(raw, 1 << 16), archive));
            TarArchiveInputStream tar = new TarArchiveInputStream(end);
            while (true) {
                TarArchiveEntry entry;
                try {
                    entry = tar.getNextEntry();
                } catch (IOException e) {
                    if (entries == 0) {
                        throw neither(archive, "it is not a tar archive");
                    }
                    throw new ImageException(archive + " is truncated or corrupt after " + entries + " entries: " + firstLine(e), e);
                }
                if (entry == null) {
                    break;
                }
                entries++;
                String path = normalize(entry.getName());
                if (path.isEmpty() || entry.isDirectory()) {
                    continue;
                }
                if (entry.isSymbolicLink()) {
                    String parent = path.contains("/") ? path.substring(0, path.lastIndexOf('/') + 1) : "";
                    contents.links.put(path, entry.getLinkName().startsWith("/") ? normalize(entry.getLinkName())
                            : normalize(parent + entry.getLinkName()));
                } else if (entry.isLink()) {
                    contents.links.put(path, normalize(entry.getLinkName()));
                } else if (entry.isFile() && !entry.isCharacterDevice() && !entry.isBlockDevice() && !entry.isFIFO()) {
                    if (path.equals("oci-layout") || path.equals("index.json") || path.equals("manifest.json")) {
                        if (entry.getSize() > MAX_DOCUMENT) {
                            throw new ImageException(archive + "'s " + path + " is larger than " + (MAX_DOCUMENT >> 20)
                                    + " MiB; that is no image archive");
                        }
                        contents.documents.put(path, tar.readNBytes(MAX_DOCUMENT));
                    } else {
                        spool(tar, path, contents);
                    }
                }
            }
        } catch (IOException e) {
            throw new ImageException(archive + " could not be read to the end: " + firstLine(e), e);
        }
        if (entries == 0) {
            throw neither(archive, "it is empty or not a tar archive");
        }
        if (!end.isClean()) {
            throw new ImageException(archive + " is truncated: it breaks off after " + entries + " entries, without the"
                    + " end of a tar archive; nothing was loaded");
        }
    }

    /**
     * Watches what the tar reader takes, to tell an archive that ends properly (in zero blocks) from one that
     * breaks off between entries, which the reader takes for the end too.
     */
    private static final class TarEnd extends FilterInputStream {
        private static final int RECORD = 512;
        private final byte[] last = new byte[RECORD];
        private long total;

        TarEnd(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                last[(int) (total++ % RECORD)] = (byte) b;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            for (int i = 0; i < n; i++) {
                last[(int) (total++ % RECORD)] = buffer[offset + i];
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] scratch = new byte[8192];
            long skipped = 0;
            for (int r; skipped < n && (r = read(scratch, 0, (int) Math.min(scratch.length, n - skipped))) > 0; ) {
                skipped += r;
            }
            return skipped;
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        /** Whether the last whole record read was all zeros (the end-of-archive marker). */
        boolean isClean() {
            if (total == 0 || total % RECORD != 0) {
                return false;
            }
            for (byte b : last) {
                if (b != 0) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Undoes a whole-file compression; gzip is read, the others are named. */
    private static InputStream decompress(BufferedInputStream in, String archive) throws IOException {
        in.mark(6);
        byte[] magic = in.readNBytes(6);
        in.reset();
        if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
            return new BufferedInputStream(new GzipCompressorInputStream(in, true), 1 << 16);
        }
        String other = Compression.of(magic) == Compression.ZSTD ? "zstd"
                : magic.length == 6 && (magic[0] & 0xff) == 0xfd && magic[1] == '7' && magic[2] == 'z' && magic[3] == 'X'
                        ? "xz" : magic.length >= 3 && magic[0] == 'B' && magic[1] == 'Z' && magic[2] == 'h' ? "bzip2" : null;
        if (other != null) {
            throw new ImageException(archive + " is " + other + "-compressed; eflow loads plain and gzip-compressed"
                    + " tarballs: decompress it first");
        }
        return in;
    }

    /** Writes one file of the tar to the store's tmp/ (or only hashes it when the store has it), verifying its name. */
    private void spool(TarArchiveInputStream tar, String path, Contents contents) throws IOException {
        String claimed = BLOB_PATH.matcher(path).matches() ? "sha256:" + path.substring("blobs/sha256/".length()) : null;
        MessageDigest sha256 = Digests.sha256();
        Path file = null;
        long size;
        if (claimed != null && store.has(claimed)) {
            size = copy(tar, OutputStream.nullOutputStream(), sha256);
        } else {
            file = store.newPartial("load-");
            contents.partials.add(file);
            try (OutputStream out = Files.newOutputStream(file)) {
                size = copy(tar, out, sha256);
            }
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(file != null ? file : store.path(claimed))) {
            head = in.readNBytes(4);
        }
        String digest = Digests.format(sha256.digest());
        if (claimed != null && !claimed.equals(digest)) {
            throw new ImageException(contents.archive + " is corrupt: " + path + " does not match its name (its content"
                    + " hashes to " + digest + "); nothing was loaded");
        }
        Spooled spooled = new Spooled(path, digest, size, Optional.ofNullable(file), Compression.of(head));
        contents.files.put(path, spooled);
        contents.byDigest.putIfAbsent(digest, spooled);
    }

    private static long copy(InputStream in, OutputStream out, MessageDigest sha256) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        for (int n; (n = in.read(buffer)) >= 0; ) {
            sha256.update(buffer, 0, n);
            out.write(buffer, 0, n);
            total += n;
        }
        return total;
    }

    /** A tar name as a plain relative path: no leading '/' or './', no empty or '.' parts, '..' applied. */
    static String normalize(String name) {
        Deque<String> parts = new ArrayDeque<>();
        for (String part : name.split("/")) {
            if (part.equals("..")) {
                parts.pollLast();
            } else if (!part.isEmpty() && !part.equals(".")) {
                parts.addLast(part);
            }
        }
        return String.join("/", parts);
    }

    // ---- the OCI image layout --------------------------------------------------------------------------------

    private List<Image> ociLayout(Contents contents) {
        String archive = contents.archive;
        JsonNode layout = contents.document("oci-layout");
        String version = layout.path("imageLayoutVersion").asText("");
        if (!version.startsWith("1.")) {
            throw new ImageException(archive + " has an OCI image layout of version '" + version + "'; eflow reads 1.x");
        }
        JsonNode entries = contents.document("index.json").path("manifests");
        if (!entries.isArray() || entries.isEmpty()) {
            throw new ImageException(archive + "'s index.json lists no images");
        }
        Map<String, List<ImageReference>> repoTags = contents.documents.containsKey("manifest.json")
                ? dockerRepoTags(contents) : Map.of();
        List<Image> images = new ArrayList<>();
        List<String> offered = new ArrayList<>();
        for (JsonNode entry : entries) {
            Descriptor descriptor = descriptor(entry, archive + "'s index.json");
            if (descriptor.platform().filter(p -> !p.equals(platform)).isPresent()) {
                offered.add(descriptor.platform().get().toString());
                continue; // an index.json that lists each platform's image itself
            }
            Image image = resolve(descriptor, contents);
            JsonNode annotations = entry.path("annotations");
            String full = annotations.path(CONTAINERD_NAME).asText("");
            String refName = annotations.path(REF_NAME).asText("");
            if (!full.isEmpty()) {
                image.names.add(reference(full, archive, "its " + CONTAINERD_NAME + " annotation"));
            } else if (refName.contains("/") || refName.contains(":") || refName.contains("@")) {
                image.names.add(reference(refName, archive, "its " + REF_NAME + " annotation"));
            } else if (!refName.isEmpty()) {
                image.bareTag = Optional.of(refName);
            }
            image.names.addAll(repoTags.getOrDefault(image.manifest.config().orElseThrow().digest(), List.of()));
            images.add(image);
        }
        if (images.isEmpty()) {
            throw new ImageException(archive + " has no image for " + platform + " (it offers " + offered + ")");
        }
        return images;
    }

    /** An index.json entry's image manifest, through an image index to this platform's entry. */
    private Image resolve(Descriptor entry, Contents contents) {
        byte[] body = contents.document(entry, "manifest " + entry.digest());
        ImageManifest manifest = parse(body, entry.mediaType(), contents.archive, entry.digest());
        String digest = entry.digest();
        if (manifest.isIndex()) {
            Descriptor chosen = manifest.manifests().stream()
                    .filter(m -> m.platform().filter(platform::equals).isPresent())
                    .findFirst()
                    .orElseThrow(() -> new ImageException(contents.archive + " has no image for " + platform + " in the index "
                            + entry.digest() + " (it offers " + manifest.manifests().stream()
                            .map(m -> m.platform().map(Platform::toString).orElse("?")).toList() + ")"));
            body = contents.document(chosen, platform + " manifest " + chosen.digest());
            ImageManifest image = parse(body, chosen.mediaType(), contents.archive, chosen.digest());
            if (image.isIndex()) {
                throw new ImageException("the " + platform + " entry of the index " + entry.digest() + " in " + contents.archive
                        + " is another index; eflow follows one level");
            }
            return new Image(entry.digest(), chosen.digest(), body, image);
        }
        return new Image(digest, digest, body, manifest);
    }

    private static ImageManifest parse(byte[] body, String mediaType, String archive, String digest) {
        try {
            JSON.readTree(body);
            return ImageManifest.parse(body, mediaType);
        } catch (IOException e) {
            throw new ImageException("the manifest " + digest + " in " + archive + " is not valid JSON: " + firstLine(e));
        } catch (ImageException e) {
            throw new ImageException("the manifest " + digest + " in " + archive + " is refused: " + e.getMessage(), e);
        }
    }

    private static Descriptor descriptor(JsonNode node, String where) {
        try {
            return JSON.treeToValue(node, Descriptor.class);
        } catch (JsonProcessingException e) {
            if (e.getCause() instanceof ImageException refused) {
                throw new ImageException(where + " is refused: " + refused.getMessage(), refused);
            }
            throw new ImageException(where + " has an entry that is not a descriptor: " + firstLine(e));
        }
    }

    // ---- the docker-archive ----------------------------------------------------------------------------------

    private List<Image> dockerArchive(Contents contents) {
        String archive = contents.archive;
        List<Image> images = new ArrayList<>();
        for (JsonNode entry : dockerEntries(contents)) {
            String configPath = entry.path("Config").asText("");
            Spooled config = contents.file(configPath, "the config");
            JsonNode configJson = contents.json(config, "the config " + configPath);
            JsonNode diffIds = configJson.path("rootfs").path("diff_ids");
            JsonNode layerPaths = entry.path("Layers");
            if (!diffIds.isArray() || diffIds.size() != layerPaths.size()) {
                throw new ImageException(archive + " is inconsistent: manifest.json lists " + layerPaths.size()
                        + " layers for " + configPath + ", whose rootfs.diff_ids list " + diffIds.size());
            }
            ObjectNode manifest = JSON.createObjectNode();
            manifest.put("schemaVersion", 2);
            manifest.put("mediaType", ImageManifest.OCI_MANIFEST);
            manifest.set("config", descriptorJson(OCI_CONFIG, config));
            ArrayNode layers = manifest.putArray("layers");
            for (int i = 0; i < layerPaths.size(); i++) {
                String layerPath = layerPaths.get(i).asText("");
                Spooled layer = contents.file(layerPath, "layer " + (i + 1));
                checkDiffId(layer, diffIds.get(i).asText(""), contents);
                layers.add(descriptorJson(OCI_LAYER + layer.compression.suffix, layer));
            }
            byte[] body;
            try {
                body = JSON.writeValueAsBytes(manifest);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("a tree of strings and numbers always serializes", e);
            }
            String digest = Digests.of(body);
            Image image = new Image(digest, digest, body, ImageManifest.parse(body, null));
            for (JsonNode tag : entry.path("RepoTags")) {
                image.names.add(reference(tag.asText(""), archive, "its RepoTags in manifest.json"));
            }
            images.add(image);
        }
        return images;
    }

    private static List<JsonNode> dockerEntries(Contents contents) {
        JsonNode entries = contents.document("manifest.json");
        if (!entries.isArray() || entries.isEmpty()) {
            throw new ImageException(contents.archive + "'s manifest.json lists no images");
        }
        List<JsonNode> list = new ArrayList<>();
        entries.forEach(list::add);
        return list;
    }

    /** For a tarball that is both an OCI layout and a docker-archive: config digest → RepoTags. */
    private Map<String, List<ImageReference>> dockerRepoTags(Contents contents) {
        Map<String, List<ImageReference>> tags = new HashMap<>();
        for (JsonNode entry : dockerEntries(contents)) {
            Spooled config = contents.file(entry.path("Config").asText(""), "the config");
            for (JsonNode tag : entry.path("RepoTags")) {
                tags.computeIfAbsent(config.digest, d -> new ArrayList<>())
                        .add(reference(tag.asText(""), contents.archive, "its RepoTags in manifest.json"));
            }
        }
        return tags;
    }

    /** A docker-archive layer must be the tar its config names by diff_id (once uncompressed). */
    private void checkDiffId(Spooled layer, String diffId, Contents contents) {
        String actual = layer.digest;
        if (layer.compression == Compression.GZIP) {
            MessageDigest sha256 = Digests.sha256();
            try (InputStream in = new GzipCompressorInputStream(new BufferedInputStream(contents.open(layer)), true)) {
                copy(in, OutputStream.nullOutputStream(), sha256);
            } catch (IOException e) {
                throw new ImageException(contents.archive + " is corrupt: layer " + layer.path + " is not valid gzip: "
                        + firstLine(e) + "; nothing was loaded", e);
            }
            actual = Digests.format(sha256.digest());
        } else if (layer.compression == Compression.ZSTD) {
            throw new ImageException("layer " + layer.path + " in " + contents.archive + " is zstd-compressed, which eflow"
                    + " does not unpack yet");
        }
        if (!actual.equals(diffId)) {
            throw new ImageException(contents.archive + " is corrupt: layer " + layer.path + " does not match its diff_id "
                    + diffId + " in the image config (its tar hashes to " + actual + "); nothing was loaded");
        }
    }

    private static ObjectNode descriptorJson(String mediaType, Spooled blob) {
        ObjectNode descriptor = JSON.createObjectNode();
        descriptor.put("mediaType", mediaType);
        descriptor.put("digest", blob.digest);
        descriptor.put("size", blob.size);
        return descriptor;
    }

    // ---- naming and storing ----------------------------------------------------------------------------------

    private static ImageReference reference(String text, String archive, String where) {
        try {
            return ImageReference.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ImageException(archive + " names an image by " + where + " that eflow cannot use: " + e.getMessage());
        }
    }

    /** reference → image, every reference named once; refuses an archive with nothing to record. */
    private static Map<ImageReference, Image> name(List<Image> images, Optional<ImageReference> name, Contents contents) {
        String archive = contents.archive;
        if (name.isPresent()) {
            Set<String> distinct = new HashSet<>();
            images.forEach(i -> distinct.add(i.manifestDigest));
            if (distinct.size() > 1) {
                throw new ImageException(archive + " holds " + distinct.size() + " images; a name can only be given to"
                        + " an archive of one image");
            }
            images.forEach(i -> i.names.add(name.get()));
        }
        Map<ImageReference, Image> byReference = new LinkedHashMap<>();
        for (Image image : images) {
            for (ImageReference reference : image.names) {
                reference.digest().filter(d -> !d.equals(image.topDigest) && !d.equals(image.manifestDigest)).ifPresent(d -> {
                    throw new ImageException(archive + " names an image " + reference + ", but that image's manifest is "
                            + image.manifestDigest);
                });
                Image before = byReference.putIfAbsent(reference, image);
                if (before != null && !before.manifestDigest.equals(image.manifestDigest)) {
                    throw new ImageException(archive + " names two different images " + reference);
                }
            }
        }
        if (byReference.isEmpty()) {
            Optional<String> tag = images.stream().flatMap(i -> i.bareTag.stream()).findFirst();
            throw new ImageException(tag.isPresent()
                    ? archive + " names its image only by the tag '" + tag.get() + "' (" + REF_NAME + "), not by a full"
                            + " reference; give the reference to load it as"
                    : archive + " does not name its image (" + (contents.documents.containsKey("index.json")
                            ? "no " + CONTAINERD_NAME + " or " + REF_NAME + " annotation in index.json"
                            : "no RepoTags in manifest.json") + "); give the reference to load it as");
        }
        return byReference;
    }

    /** Checks that every blob is there, then moves them into the store and records every reference at once. */
    private List<PulledImage> store(Map<ImageReference, Image> byReference, Contents contents) {
        Set<Image> images = new LinkedHashSet<>(byReference.values());
        for (Image image : images) {
            String of = " of " + image.names.iterator().next();
            Descriptor config = image.manifest.config().orElseThrow();
            contents.blob(config, "config" + of);
            for (Descriptor layer : image.manifest.layers()) {
                contents.blob(layer, "layer " + layer.digest() + of);
            }
        }
        for (Image image : images) {
            String of = " of " + image.names.iterator().next() + " in " + contents.archive;
            Descriptor config = image.manifest.config().orElseThrow();
            contents.adopt(config, "config" + of);
            for (Descriptor layer : image.manifest.layers()) {
                contents.adopt(layer, "layer " + layer.digest() + of);
            }
            // The manifest goes in last: a stored manifest promises that everything it names is stored too.
            store.put(image.manifestDigest, image.manifestBody, "manifest" + of);
        }
        Map<String, String> records = new LinkedHashMap<>();
        byReference.forEach((reference, image) -> records.put(reference.toString(), image.manifestDigest));
        store.record(records);
        List<PulledImage> loaded = new ArrayList<>();
        byReference.forEach((reference, image) -> loaded.add(new PulledImage(reference, image.manifestDigest, image.manifest)));
        return loaded;
    }

    private static ImageException neither(String archive, String why) {
        return new ImageException(archive + " is neither an OCI image layout nor a docker-archive tarball (" + why + ")");
    }

    private static String firstLine(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.lines().findFirst().orElse("");
    }

    // ---- what the tar held -----------------------------------------------------------------------------------

    private enum Compression {
        NONE(""), GZIP("+gzip"), ZSTD("+zstd");

        final String suffix;

        Compression(String suffix) {
            this.suffix = suffix;
        }

        static Compression of(byte[] head) {
            if (head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
                return GZIP;
            }
            if (head.length >= 4 && (head[0] & 0xff) == 0x28 && (head[1] & 0xff) == 0xb5 && (head[2] & 0xff) == 0x2f
                    && (head[3] & 0xff) == 0xfd) {
                return ZSTD;
            }
            return NONE;
        }
    }

    /**
     * A file of the tar: spooled to {@code file} in the store's tmp/, or already in the store (then no file).
     */
    private record Spooled(String path, String digest, long size, Optional<Path> file, Compression compression) {
    }

    /** An image found in the archive, and the references it is to be recorded under. */
    private static final class Image {
        final String topDigest;
        final String manifestDigest;
        final byte[] manifestBody;
        final ImageManifest manifest;
        final Set<ImageReference> names = new LinkedHashSet<>();
        Optional<String> bareTag = Optional.empty();

        Image(String topDigest, String manifestDigest, byte[] manifestBody, ImageManifest manifest) {
            this.topDigest = topDigest;
            this.manifestDigest = manifestDigest;
            this.manifestBody = manifestBody;
            this.manifest = manifest;
        }
    }

    /** Everything read from one tarball; closing it deletes what was spooled and not moved into the store. */
    private final class Contents implements AutoCloseable {
        final String archive;
        final Map<String, byte[]> documents = new HashMap<>();
        final Map<String, Spooled> files = new HashMap<>();
        final Map<String, Spooled> byDigest = new HashMap<>();
        final Map<String, String> links = new HashMap<>();
        final List<Path> partials = new ArrayList<>();

        Contents(String archive) {
            this.archive = archive;
        }

        JsonNode document(String name) {
            try {
                return JSON.readTree(documents.get(name));
            } catch (IOException e) {
                throw new ImageException(archive + "'s " + name + " is not valid JSON: " + firstLine(e));
            }
        }

        /** A file named by a path in manifest.json, through symbolic and hard links. */
        Spooled file(String path, String what) {
            String at = normalize(path);
            for (int hops = 0; !files.containsKey(at) && links.containsKey(at); hops++) {
                if (hops == MAX_LINKS) {
                    throw new ImageException(archive + " is refused: " + path + " is a loop of links");
                }
                at = links.get(at);
            }
            Spooled file = files.get(at);
            if (file == null) {
                throw new ImageException(archive + " is incomplete: it lacks " + path + ", " + what + " manifest.json names");
            }
            return file;
        }

        /** A blob named by a descriptor, in the archive or already in the store. */
        Optional<Spooled> blob(Descriptor descriptor, String what) {
            Spooled spooled = byDigest.get(descriptor.digest());
            if (spooled == null && !store.has(descriptor.digest())) {
                throw new ImageException(archive + " is incomplete: it lacks the " + what + " (blobs/sha256/"
                        + Digests.hex(descriptor.digest()) + ")");
            }
            if (spooled != null && descriptor.size() > 0 && spooled.size != descriptor.size()) {
                throw new ImageException(archive + " is corrupt: the " + what + " is " + spooled.size + " bytes, its"
                        + " descriptor says " + descriptor.size());
            }
            return Optional.ofNullable(spooled);
        }

        /** The small document a descriptor names (a manifest or index), read into memory. */
        byte[] document(Descriptor descriptor, String what) {
            Spooled spooled = blob(descriptor, what).orElse(null);
            return read(spooled, descriptor.digest(), what);
        }

        JsonNode json(Spooled spooled, String what) {
            try {
                return JSON.readTree(read(spooled, spooled.digest, what));
            } catch (IOException e) {
                throw new ImageException(what + " in " + archive + " is not valid JSON: " + firstLine(e));
            }
        }

        private byte[] read(Spooled spooled, String digest, String what) {
            try {
                Path path = spooled != null && spooled.file.isPresent() ? spooled.file.get() : store.path(digest);
                if (Files.size(path) > MAX_DOCUMENT) {
                    throw new ImageException(what + " in " + archive + " is larger than " + (MAX_DOCUMENT >> 20) + " MiB");
                }
                return Files.readAllBytes(path);
            } catch (IOException e) {
                throw new ImageException("cannot read " + what + " of " + archive + ": " + firstLine(e), e);
            }
        }

        InputStream open(Spooled spooled) throws IOException {
            return Files.newInputStream(spooled.file.orElseGet(() -> store.path(spooled.digest)));
        }

        /** Moves a spooled blob into the store (which hashes it once more on the way) unless it is there. */
        void adopt(Descriptor blob, String what) {
            if (store.has(blob.digest())) {
                return;
            }
            Optional<Path> file = Optional.ofNullable(byDigest.get(blob.digest())).flatMap(Spooled::file);
            if (file.isEmpty() || !Files.exists(file.get())) {
                throw new ImageException("the " + what + " vanished from the image store's tmp/ while " + archive
                        + " was being loaded (was the store cleaned meanwhile?); load it again");
            }
            store.adopt(blob.digest(), file.get(), what);
        }

        @Override
        public void close() {
            for (Path partial : partials) {
                try {
                    Files.deleteIfExists(partial);
                } catch (IOException ignored) {
                    // a leftover in tmp/ is harmless: gc removes it
                }
            }
        }
    }
}
