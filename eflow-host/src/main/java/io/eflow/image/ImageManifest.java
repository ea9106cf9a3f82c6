package io.eflow.image;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.List;
import java.util.Optional;

/**
 * What an image is and how to check it: signed as exact bytes ({@code manifest.json} + {@code manifest.sig}),
 * so anything that trusts the signature can trust every part's size and digest and the verity root hash.
 *
 * @param name       always {@link #NAME}
 * @param version    project version plus {@code +<hash8>} build metadata, e.g. {@code 0.1.0+1a2b3c4d}
 * @param arch       Debian architecture of the guest, e.g. {@code amd64}
 * @param created    fixed by the recipe (the build's reproducible timestamp), not the wall clock
 * @param recipeHash sha256 of everything the image was built from
 * @param parts      the image's files; a list because boot parts (kernel, initrd) join later
 * @param verity     the dm-verity parameters of {@code rootfs.erofs}
 */
@JsonPropertyOrder({"name", "version", "arch", "created", "recipeHash", "parts", "verity"})
public record ImageManifest(String name, String version, String arch, String created, String recipeHash,
                            List<Part> parts, Verity verity) {
    public static final String NAME = "eflow-guest";

    public ImageManifest {
        parts = parts == null ? List.of() : List.copyOf(parts);
    }

    @JsonPropertyOrder({"name", "size", "sha256"})
    public record Part(String name, long size, String sha256) {
    }

    @JsonPropertyOrder({"hashAlgorithm", "dataBlockSize", "hashBlockSize", "dataBlocks", "salt", "rootHash"})
    public record Verity(String hashAlgorithm, int dataBlockSize, int hashBlockSize, long dataBlocks,
                         String salt, String rootHash) {
        /** Offset of the hash tree when it is stored right after the data, as in a slot. */
        public long hashOffset() {
            return dataBlocks * (long) dataBlockSize;
        }
    }

    public Optional<Part> part(String partName) {
        return parts.stream().filter(p -> p.name().equals(partName)).findFirst();
    }

    /** The bytes that get signed; stable for a given record (fixed property order, LF, trailing newline). */
    public byte[] toJson() {
        return SignedJson.write(this);
    }

    public static ImageManifest parse(byte[] json) {
        return SignedJson.read(json, ImageManifest.class, "image manifest");
    }
}
