package io.eflow;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The documents name what the code has: every test class and test method, every {@code io.eflow} package and every
 * file of the repository that the README, SECURITY.md or a sample's README names in backquotes exists. A renamed test
 * or a removed script fails here instead of leaving a claim that points at nothing.
 */
class DocumentsTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern QUOTED = Pattern.compile("`([^`\\n]+)`");
    private static final Pattern TEST_NAME = Pattern.compile("([A-Z][A-Za-z0-9]*(?:IT|Test))(?:[.#]([a-z][A-Za-z0-9]*))?");
    private static final Pattern PACKAGE = Pattern.compile("io\\.eflow(?:\\.[a-z][a-z0-9]*)+");
    private static final Pattern REPO_PATH = Pattern.compile("(?:\\.ci|bench|bin|scripts|samples|packaging|eflow-[a-z]+)/[^\\s:*<>]*");

    @Test
    void everyTestClassMethodPackageAndFileTheDocumentsNameExists() throws IOException {
        Map<String, Path> sources = javaSources();
        List<String> missing = new ArrayList<>();
        for (Path document : documents()) {
            String relative = ROOT.relativize(document).toString();
            Matcher quoted = QUOTED.matcher(Files.readString(document));
            while (quoted.find()) {
                String text = quoted.group(1).strip();
                problem(text, sources).ifPresent(p -> missing.add(relative + ": `" + text + "` " + p));
            }
        }
        assertThat(missing).as("names in the documents that the code does not have").isEmpty();
    }

    @Test
    void theCheckFindsWhatIsMissing() throws IOException {
        Map<String, Path> sources = javaSources();
        assertThat(problem("DocumentsTest", sources)).isEmpty();
        assertThat(problem("DocumentsTest.everyTestClassMethodPackageAndFileTheDocumentsNameExists", sources)).isEmpty();
        assertThat(problem("NoSuchIT", sources)).isPresent();
        assertThat(problem("DocumentsTest.noSuchMethod", sources)).isPresent();
        assertThat(problem("io.eflow.nosuchpackage", sources)).isPresent();
        assertThat(problem("scripts/no-such-script", sources)).isPresent();
        assertThat(problem("scripts/test", sources)).isEmpty();
    }

    /** What is wrong with one quoted text, if it names something the repository should have. */
    private static Optional<String> problem(String text, Map<String, Path> sources) {
        Matcher test = TEST_NAME.matcher(text);
        if (test.matches()) {
            Path source = sources.get(test.group(1));
            if (source == null) {
                return Optional.of("names a test class no module has");
            }
            String method = test.group(2);
            return method == null || read(source).contains(" " + method + "(")
                    ? Optional.empty() : Optional.of("names a method " + source.getFileName() + " does not have");
        }
        if (PACKAGE.matcher(text).matches()) {
            return packageExists(text) ? Optional.empty() : Optional.of("names a package no module has");
        }
        Matcher path = REPO_PATH.matcher(text);
        // an image reference (name:tag) and a build output are not files of the repository
        if (path.lookingAt() && !text.contains(":") && !text.contains("/target/")) {
            return Files.exists(ROOT.resolve(path.group())) ? Optional.empty() : Optional.of("names a file that is not there");
        }
        return Optional.empty();
    }

    private static boolean packageExists(String name) {
        String folder = name.replace('.', '/');
        try (Stream<Path> modules = Files.list(ROOT)) {
            return modules.filter(Files::isDirectory).anyMatch(module -> Stream.of("src/main/java", "src/test/java")
                    .anyMatch(tree -> Files.isDirectory(module.resolve(tree).resolve(folder))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> documents() throws IOException {
        try (Stream<Path> files = Files.walk(ROOT, 3)) {
            return files.filter(p -> p.toString().endsWith(".md"))
                    .filter(p -> !p.toString().contains("/target/") && !p.toString().contains("/node_modules/"))
                    .sorted().toList();
        }
    }

    /** Every Java source of every module, by class name. */
    private static Map<String, Path> javaSources() throws IOException {
        try (Stream<Path> files = Files.walk(ROOT)) {
            return files.filter(p -> p.toString().endsWith(".java") && p.toString().contains("/src/"))
                    .filter(p -> !p.toString().contains("/target/") && !p.toString().contains("/node_modules/"))
                    .collect(Collectors.toMap(p -> p.getFileName().toString().replace(".java", ""), p -> p, (a, b) -> a));
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
