package io.eflow.update;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.eflow.image.FileDigests;
import io.eflow.image.SignedJson;
import io.eflow.platform.EflowException;
import io.eflow.platform.FileTrees;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * {@code catalog.json} beside the bundles of an update source: each bundle's file name, size and sha256 with its
 * signed header (bundle.json and bundle.sig, base64), so a client checks every listed bundle's signature without
 * downloading it. The catalog itself is not signed: nothing in it is believed but what the signatures vouch for.
 */
public record UpdateCatalog(List<Entry> bundles) {
    public static final String FILE = "catalog.json";
    public static final String BUNDLE_GLOB = "*.bundle";
    /** Entries name files beside the catalog, never a path elsewhere. */
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]*");
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    public UpdateCatalog {
        bundles = bundles == null ? List.of() : List.copyOf(bundles);
    }

    /** One bundle. {@code sha256} is the whole file's, for a download to be checked against. */
    @JsonPropertyOrder({"file", "size", "sha256", "manifest", "signature"})
    public record Entry(String file, long size, String sha256, String manifest, String signature) {
        public byte[] manifestBytes() {
            return decode(manifest, "manifest");
        }

        public byte[] signatureBytes() {
            return decode(signature, "signature");
        }

        private byte[] decode(String base64, String what) {
            try {
                return Base64.getDecoder().decode(base64 == null ? "" : base64);
            } catch (IllegalArgumentException e) {
                throw new EflowException("catalog entry " + file + " has a " + what + " that is not base64");
            }
        }
    }

    public byte[] toJson() {
        return SignedJson.write(this);
    }

    public static UpdateCatalog parse(byte[] json) {
        UpdateCatalog catalog = SignedJson.read(json, UpdateCatalog.class, "update catalog");
        for (Entry entry : catalog.bundles()) {
            if (entry == null || entry.file() == null || !FILE_NAME.matcher(entry.file()).matches()) {
                throw new EflowException("update catalog lists an invalid bundle file name: "
                        + (entry == null ? null : entry.file()));
            }
            // the rest of an entry is checked here too, as BundleManifest checks its parts, not where it is first used
            if (entry.size() < 0 || entry.sha256() == null || !SHA256_HEX.matcher(entry.sha256()).matches()) {
                throw new EflowException("update catalog entry " + entry.file() + " has no valid size and sha256");
            }
            entry.manifestBytes();
            entry.signatureBytes();
        }
        return catalog;
    }

    /**
     * Writes {@code catalog.json} for every {@code *.bundle} in {@code dir}, atomically. An entry of the previous catalog
     * whose file still has the same size and header is kept, so a big bundle is hashed once, not at every release.
     * Files that are not bundles are left out with a line on {@code progress}.
     */
    public static UpdateCatalog write(Path dir, Consumer<String> progress) {
        Map<String, Entry> previous = new HashMap<>();
        Path file = dir.resolve(FILE);
        if (Files.isRegularFile(file)) {
            try {
                parse(Files.readAllBytes(file)).bundles().forEach(e -> previous.put(e.file(), e));
            } catch (IOException | EflowException e) {
                progress.accept("rewriting " + file + " from scratch: " + e.getMessage());
            }
        }
        List<Entry> entries = new ArrayList<>();
        for (Path bundle : bundleFiles(dir)) {
            try {
                entries.add(entry(bundle, previous.get(bundle.getFileName().toString())));
            } catch (EflowException e) {
                progress.accept("left out of the catalog: " + e.getMessage());
            }
        }
        UpdateCatalog catalog = new UpdateCatalog(entries);
        FileTrees.write(file, catalog.toJson(), "rw-r--r--");
        return catalog;
    }

    /** The bundle files of a folder, by name. */
    public static List<Path> bundleFiles(Path dir) {
        TreeSet<Path> files = new TreeSet<>(Comparator.comparing(p -> p.getFileName().toString()));
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, BUNDLE_GLOB)) {
            stream.forEach(p -> {
                if (Files.isRegularFile(p) && FILE_NAME.matcher(p.getFileName().toString()).matches()) {
                    files.add(p);
                }
            });
        } catch (IOException e) {
            throw EflowException.failure("cannot list bundles in " + dir + ": " + e.getMessage(), e);
        }
        return List.copyOf(files);
    }

    private static Entry entry(Path bundle, Entry previous) {
        BundleReader.Header header = BundleReader.readHeader(bundle);
        Base64.Encoder base64 = Base64.getEncoder();
        if (previous != null && previous.size() == header.fileSize()
                && Arrays.equals(previous.manifestBytes(), header.manifestJson())
                && Arrays.equals(previous.signatureBytes(), header.signature())) {
            return previous;
        }
        return new Entry(bundle.getFileName().toString(), header.fileSize(), FileDigests.sha256(bundle),
                base64.encodeToString(header.manifestJson()), base64.encodeToString(header.signature()));
    }
}
