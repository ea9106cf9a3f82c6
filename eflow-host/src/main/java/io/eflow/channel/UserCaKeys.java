package io.eflow.channel;

import io.eflow.contract.files.AtomicFile;
import io.eflow.platform.EflowException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The install's user CAs as the CA folder holds them, and the steps that replace the CA without the host ever being
 * locked out of a guest. Files:
 * <ul>
 *   <li>{@code user_ca}, {@code user_ca.pub}: the CA the host signs its certificates with (outside a rotation, the
 *       only pair);</li>
 *   <li>{@code user_ca.next}, {@code user_ca.next.pub}: a CA coming in; guests are being told to trust it as well;</li>
 *   <li>{@code user_ca.retired}, {@code user_ca.retired.pub}: the CA it replaced; guests are being told to drop it.</li>
 * </ul>
 * What keeps every guest reachable wherever a crash stops a rotation: a guest trusts the next CA before the host signs
 * with it ({@link #introduce}, then the caller updates every guest, then {@link #promote}), and drops the old one only
 * after the host stopped signing with it (the caller updates every guest, then {@link #retire}); so every guest always
 * trusts the CA in {@code user_ca}. Every file is written atomically and synced, and {@link #promote} (the one step
 * that moves two files) is ordered so that whatever subset of its writes survived loads as the state before it or the
 * state after it.
 *
 * <p>Reading writes nothing: other eflow processes (a CLI running a command itself, eflowd) share the folder, and each
 * re-reads it when it changed ({@link #current}), so a rotation done by one is followed by all.
 */
public final class UserCaKeys {
    static final String NEXT = ".next";
    static final String RETIRED = ".retired";

    private final Path dir;
    private Snapshot snapshot;

    /** The CAs in the folder at one moment, with what identified the files then (to notice a change). */
    private record Snapshot(UserCertificateAuthority current, UserCertificateAuthority next, UserCertificateAuthority retired,
                            List<Object> stamp) {
    }

    private UserCaKeys(Path dir) {
        this.dir = dir;
    }

    /** The folder's CAs; on first use a folder (0700) with a fresh CA, as {@link UserCertificateAuthority#loadOrCreate}. */
    public static UserCaKeys load(Path caDir) {
        if (!Files.exists(caDir.resolve(UserCertificateAuthority.KEY_FILE))) {
            UserCertificateAuthority.loadOrCreate(caDir);
        }
        UserCaKeys keys = new UserCaKeys(caDir);
        keys.snapshot = keys.read();
        return keys;
    }

    /** The CA the host signs with now: re-read first when another process changed the folder. */
    public synchronized UserCertificateAuthority current() {
        refresh();
        return snapshot.current;
    }

    /** The CA coming in (a rotation under way, before the switch), if any. */
    public synchronized Optional<UserCertificateAuthority> next() {
        refresh();
        return Optional.ofNullable(snapshot.next);
    }

    /** The CA being dropped (a rotation under way, after the switch), if any. */
    public synchronized Optional<UserCertificateAuthority> retired() {
        refresh();
        return Optional.ofNullable(snapshot.retired);
    }

    /**
     * What a guest deployed now must trust: the current CA and, during a rotation, the one coming in or going out,
     * so a guest made half-way through a rotation is never the one left behind.
     */
    public synchronized List<UserCertificateAuthority> trusted() {
        refresh();
        List<UserCertificateAuthority> all = new ArrayList<>();
        all.add(snapshot.current);
        if (snapshot.next != null) {
            all.add(snapshot.next);
        }
        if (snapshot.retired != null) {
            all.add(snapshot.retired);
        }
        return all;
    }

    /**
     * The contents of a guest's TrustedUserCAKeys file for {@code cas}: one public key line each, in order.
     * sshd accepts a certificate signed by any of them.
     */
    public static byte[] trustFile(List<UserCertificateAuthority> cas) {
        StringBuilder text = new StringBuilder();
        for (UserCertificateAuthority ca : cas) {
            text.append(ca.publicKeyLine()).append('\n');
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Step 1: makes the CA that comes in ({@code user_ca.next}), or returns the one an interrupted rotation made
     * already. Refused while an earlier rotation still has a CA to retire: finish that first.
     */
    public synchronized UserCertificateAuthority introduce() {
        Snapshot now = reload();
        if (now.retired != null) {
            throw new IllegalStateException("the previous rotation still has a CA to retire");
        }
        if (now.next != null) {
            return now.next;
        }
        tidy();
        UserCertificateAuthority next = UserCertificateAuthority.generate();
        next.write(file(NEXT), publicFile(NEXT));
        snapshot = read();
        return next;
    }

    /**
     * Step 2, once every guest trusts the next CA too: the host signs with the next CA from now on, and the old one is
     * kept as {@code user_ca.retired} until every guest has dropped it. Returns the CA now in use.
     */
    public synchronized UserCertificateAuthority promote() {
        Snapshot now = reload();
        if (now.next == null) {
            throw new IllegalStateException("no CA is coming in");
        }
        // 1. the old CA is kept under its retired name (a copy; the original stays in use until 3)
        now.current.write(file(RETIRED), publicFile(RETIRED));
        // 2. no .pub that could contradict user_ca between 3 and 4 (a missing one is derived from the key)
        SshKeys.delete(publicFile(""));
        // 3. the switch itself: one rename
        move(file(NEXT), file(""));
        // 4. the public files follow
        SshKeys.writePublicLine(publicFile(""), now.next.publicKeyLine());
        SshKeys.delete(publicFile(NEXT));
        snapshot = read();
        return snapshot.current;
    }

    /** Step 3, once no guest trusts the retired CA any more: it is deleted, and the rotation is over. */
    public synchronized void retire() {
        reload();
        SshKeys.delete(file(RETIRED));
        SshKeys.delete(publicFile(RETIRED));
        snapshot = read();
    }

    private Snapshot reload() {
        snapshot = read();
        return snapshot;
    }

    private void refresh() {
        if (!snapshot.stamp.equals(stamp())) {
            snapshot = read();
        }
    }

    /**
     * The folder as it is. A leftover of an interrupted step is read as the state it belongs to: a retired copy equal to
     * the current CA (a promotion stopped before its rename) is not a CA to retire yet.
     */
    private Snapshot read() {
        for (int attempt = 0; ; attempt++) {
            List<Object> before = stamp();
            try {
                UserCertificateAuthority current = UserCertificateAuthority.read(file(""), publicFile(""));
                UserCertificateAuthority next = readIfPresent(NEXT);
                UserCertificateAuthority retired = readIfPresent(RETIRED);
                if (current.sameKey(next)) {
                    next = null;
                }
                if (current.sameKey(retired)) {
                    retired = null;
                }
                if (before.equals(stamp())) {
                    return new Snapshot(current, next, retired, before);
                }
            } catch (EflowException e) {
                // another process was between two of its writes: read again
                if (attempt >= 3) {
                    throw e;
                }
            }
            if (attempt >= 3) {
                throw new EflowException(500, "the user CA folder " + dir + " keeps changing while it is read");
            }
        }
    }

    private UserCertificateAuthority readIfPresent(String suffix) {
        Path key = file(suffix);
        if (!Files.exists(key)) {
            return null;
        }
        try {
            return UserCertificateAuthority.read(key, publicFile(suffix));
        } catch (EflowException e) {
            if (!Files.exists(key)) {
                return null; // gone between the two looks: deleted by a step of a rotation
            }
            throw e;
        }
    }

    /** Deletes what an interrupted step left that belongs to no state: public halves without their keys. */
    private void tidy() {
        for (String suffix : List.of(NEXT, RETIRED)) {
            if (!Files.exists(file(suffix))) {
                SshKeys.delete(publicFile(suffix));
            }
        }
    }

    /** What identifies the folder's key files now: a change to any of them (by this process or another) changes it. */
    private List<Object> stamp() {
        List<Object> stamp = new ArrayList<>();
        for (String suffix : List.of("", NEXT, RETIRED)) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(file(suffix), BasicFileAttributes.class);
                stamp.add(Objects.toString(attributes.fileKey()) + "/" + attributes.lastModifiedTime().toMillis() + "/" + attributes.size());
            } catch (NoSuchFileException e) {
                stamp.add("none");
            } catch (IOException e) {
                stamp.add("unreadable: " + e.getMessage());
            }
        }
        return stamp;
    }

    private Path file(String suffix) {
        return dir.resolve(UserCertificateAuthority.KEY_FILE + suffix);
    }

    private Path publicFile(String suffix) {
        return dir.resolve(UserCertificateAuthority.KEY_FILE + suffix + ".pub");
    }

    private void move(Path from, Path to) {
        try {
            try {
                Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.setPosixFilePermissions(to, PosixFilePermissions.fromString(SshKeys.PRIVATE_KEY_MODE));
        } catch (IOException e) {
            throw EflowException.failure("cannot move " + from + " to " + to + ": " + e.getMessage(), e);
        }
        AtomicFile.syncDirectory(dir); // the rename holds across a crash of the host
    }
}
