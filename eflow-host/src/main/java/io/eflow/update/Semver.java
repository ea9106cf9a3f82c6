package io.eflow.update;

import io.eflow.platform.EflowException;

import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A release's MAJOR.MINOR.PATCH; updates go in sequence, one release at a time, as the original EFLOW requires. */
public record Semver(int major, int minor, int patch) implements Comparable<Semver> {
    /** No leading zeros, as semver.org says; at most 9 digits so every part fits an int. */
    private static final Pattern STRICT = Pattern.compile("(0|[1-9][0-9]{0,8})\\.(0|[1-9][0-9]{0,8})\\.(0|[1-9][0-9]{0,8})");
    private static final Comparator<Semver> ORDER =
            Comparator.comparingInt(Semver::major).thenComparingInt(Semver::minor).thenComparingInt(Semver::patch);

    public Semver {
        if (major < 0 || minor < 0 || patch < 0) {
            throw new EflowException("version " + major + "." + minor + "." + patch + " has a negative part");
        }
    }

    public static Semver parse(String text) {
        Matcher m = text == null ? null : STRICT.matcher(text);
        if (m == null || !m.matches()) {
            throw new EflowException("version '" + text + "' is not MAJOR.MINOR.PATCH");
        }
        return new Semver(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
    }

    /** An image's version ({@code 0.1.0+1a2b3c4d}): the build metadata names the build, not the release. */
    public static Semver ofImageVersion(String imageVersion) {
        if (imageVersion == null) {
            throw new EflowException("version 'null' is not MAJOR.MINOR.PATCH");
        }
        int plus = imageVersion.indexOf('+');
        return parse(plus < 0 ? imageVersion : imageVersion.substring(0, plus));
    }

    /** Whether this release directly follows {@code installed}: the next patch, the next minor or the next major. */
    public boolean isNextAfter(Semver installed) {
        return equals(new Semver(installed.major, installed.minor, installed.patch + 1))
                || equals(new Semver(installed.major, installed.minor + 1, 0))
                || equals(new Semver(installed.major + 1, 0, 0));
    }

    @Override
    public int compareTo(Semver other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }
}
