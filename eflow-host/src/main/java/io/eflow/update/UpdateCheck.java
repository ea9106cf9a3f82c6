package io.eflow.update;

import io.eflow.image.TrustStore;
import io.eflow.platform.EflowException;

import java.io.IOException;
import java.net.ProxySelector;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What an update source offers, each bundle's header checked against the trust store: available bundles with their
 * relation to the installed release, and refused ones with the reason. A refused bundle is never offered.
 */
public final class UpdateCheck {
    private UpdateCheck() {
    }

    /** How a bundle's release stands to the installed one; updates are applied one release at a time. */
    public enum Relation { installed, next, skip, older }

    /**
     * One bundle of a source. {@code version}, {@code keyId} and {@code relation} are null when the bundle was refused
     * ({@code refused} says why), {@code relation} also when no instance's version is known.
     */
    public record Row(String version, String location, long size, String keyId, Relation relation, String refused) {
        public boolean available() {
            return refused == null;
        }
    }

    /**
     * What {@code source} offers: an {@code https://} folder URL (its {@code catalog.json}, trusting {@code caPemOrNull}
     * if given) or a folder on this host. Paths are absolute: the CLI resolves them, the daemon has no caller's folder.
     */
    public static List<Row> source(String source, Path caPemOrNull, TrustStore trust, Semver installed, ProxySelector proxy) {
        if (source == null || source.isBlank()) {
            throw new EflowException("update check needs a source: a folder of *.bundle files or an https:// URL");
        }
        if (caPemOrNull != null && !caPemOrNull.isAbsolute()) {
            throw new EflowException("the CA certificate " + caPemOrNull + " is not an absolute path");
        }
        if (isUrl(source)) {
            URI base = URI.create(source);
            BundleSource.requireHttps(base);
            return catalog(BundleSource.catalog(base, caPemOrNull, proxy), base, trust, installed);
        }
        Path dir = Path.of(source);
        if (!dir.isAbsolute()) {
            throw new EflowException("update source " + source + " is not an absolute folder path or an https:// URL");
        }
        if (!Files.isDirectory(dir)) {
            throw EflowException.notFound("update source " + dir + " is not a folder (give a folder of *.bundle files or an https:// URL)");
        }
        return directory(dir, trust, installed);
    }

    /** A source naming a scheme ({@code https://…}) rather than a folder on this host. */
    public static boolean isUrl(String source) {
        return source.contains("://");
    }

    /** The bundles in a folder, headers read from the files themselves. */
    public static List<Row> directory(Path dir, TrustStore trust, Semver installed) {
        List<Row> rows = new ArrayList<>();
        for (Path file : UpdateCatalog.bundleFiles(dir)) {
            try {
                rows.add(row(BundleReader.open(file, trust), file.toString(), installed));
            } catch (EflowException e) {
                rows.add(new Row(null, file.toString(), size(file), null, null, e.getMessage()));
            }
        }
        return sorted(rows);
    }

    /** The bundles a catalog lists under {@code base}, each header verified as if the bundle were here. */
    public static List<Row> catalog(UpdateCatalog catalog, URI base, TrustStore trust, Semver installed) {
        URI folder = BundleSource.folder(base);
        List<Row> rows = new ArrayList<>();
        for (UpdateCatalog.Entry entry : catalog.bundles()) {
            String location = folder.resolve(entry.file()).toString();
            try {
                VerifiedBundle bundle = BundleReader.verify(entry.manifestBytes(), entry.signatureBytes(), trust,
                        Path.of(entry.file()), entry.size());
                rows.add(row(bundle, location, installed));
            } catch (EflowException e) {
                rows.add(new Row(null, location, entry.size(), null, null, e.getMessage()));
            }
        }
        return sorted(rows);
    }

    public static Relation relation(Semver bundle, Semver installed) {
        int order = bundle.compareTo(installed);
        if (order == 0) {
            return Relation.installed;
        }
        if (order < 0) {
            return Relation.older;
        }
        return bundle.isNextAfter(installed) ? Relation.next : Relation.skip;
    }

    private static Row row(VerifiedBundle bundle, String location, Semver installed) {
        Semver version = bundle.version();
        return new Row(version.toString(), location, bundle.fileSize(), bundle.keyId(),
                installed == null ? null : relation(version, installed), null);
    }

    /** Available bundles by release, then the refused ones by location. */
    private static List<Row> sorted(List<Row> rows) {
        return rows.stream().sorted(Comparator.comparing((Row r) -> r.available() ? 0 : 1)
                .thenComparing(r -> r.available() ? Semver.parse(r.version()) : null, Comparator.nullsLast(Comparator.naturalOrder()))
                .thenComparing(Row::location)).toList();
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }
}
