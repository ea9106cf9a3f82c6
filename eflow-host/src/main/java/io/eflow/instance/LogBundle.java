package io.eflow.instance;

import io.eflow.platform.EflowException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Get-EflowLogs: one zip with the daemon's log, the guest's console, the guest's /logs and the configuration.
 * Secrets never go in: private keys are not collected, and key-like values are redacted from every text.
 */
final class LogBundle {
    private static final Pattern PRIVATE_KEY = Pattern.compile(
            "-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----", Pattern.DOTALL);
    private static final Pattern SECRET_VALUE = Pattern.compile(
            "(?i)(\"?(?:password|passwd|secret|sharedaccesskey|sas[_-]?key|symmetrickey|primarykey|connectionstring|token)\"?\\s*[:=]\\s*\"?)([^\"\\s,;]+)");
    private static final Pattern CONNECTION_STRING_KEY = Pattern.compile("(?i)(SharedAccessKey=)([^;\"\\s]+)");

    private final ZipOutputStream zip;

    private LogBundle(OutputStream out) {
        this.zip = new ZipOutputStream(out);
    }

    static String redact(String text) {
        String out = PRIVATE_KEY.matcher(text).replaceAll("[private key redacted]");
        out = CONNECTION_STRING_KEY.matcher(out).replaceAll("$1[redacted]");
        return SECRET_VALUE.matcher(out).replaceAll("$1[redacted]");
    }

    interface Contents {
        void fill(LogBundle bundle) throws IOException;
    }

    static Path write(Path output, Contents contents) {
        Path temp = output.resolveSibling(output.getFileName() + ".partial");
        try (OutputStream out = Files.newOutputStream(temp)) {
            LogBundle bundle = new LogBundle(out);
            contents.fill(bundle);
            bundle.zip.finish();
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // the original error matters more
            }
            throw e instanceof EflowException ee ? ee : EflowException.failure("cannot write " + output + ": " + e.getMessage(), e);
        }
        try {
            Files.move(temp, output, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw EflowException.failure("cannot write " + output + ": " + e.getMessage(), e);
        }
        return output;
    }

    void addText(String name, String text) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(redact(text).getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
    }

    /** Adds the regular files directly in {@code dir} whose names match {@code glob} (text, redacted). */
    void addFiles(String prefix, Path dir, String glob) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (var files = Files.newDirectoryStream(dir, glob)) {
            for (Path file : files) {
                if (Files.isRegularFile(file)) {
                    addText(prefix + "/" + file.getFileName(), Files.readString(file, StandardCharsets.ISO_8859_1));
                }
            }
        }
    }

    /** Adds every regular file under {@code dir} (text, redacted), skipping anything that looks like a key file. */
    void addTree(String prefix, Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(".key") || name.contains("_key") || name.startsWith("user_ca")) {
                    continue;
                }
                addText(prefix + "/" + dir.relativize(file), Files.readString(file, StandardCharsets.ISO_8859_1));
            }
        }
    }
}
