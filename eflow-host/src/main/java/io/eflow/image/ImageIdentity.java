package io.eflow.image;

/**
 * The manifest fields fixed before the image's bytes exist.
 *
 * @param version    e.g. {@code 0.1.0+1a2b3c4d}
 * @param arch       Debian architecture
 * @param created    ISO-8601 instant taken from the recipe
 * @param recipeHash sha256 hex of the image recipe
 */
record ImageIdentity(String version, String arch, String created, String recipeHash) {
}
