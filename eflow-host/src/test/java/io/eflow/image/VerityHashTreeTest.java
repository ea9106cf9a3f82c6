package io.eflow.image;

import io.eflow.platform.EflowException;
import io.eflow.platform.Exec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static io.eflow.image.TestFiles.flipByte;
import static io.eflow.image.TestFiles.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VerityHashTreeTest {
    @TempDir
    Path dir;

    @Test
    void layoutMatchesCryptsetupLevelArithmetic() {
        assertThat(VerityHashTree.layout(1).levels()).isEmpty();
        assertThat(VerityHashTree.layout(128).levels()).containsExactly(new VerityHashTree.Level(0, 0, 1));
        // 129 blocks: two leaf blocks under one top block; the top level is stored first.
        assertThat(VerityHashTree.layout(129).levels()).containsExactly(
                new VerityHashTree.Level(0, 1, 2), new VerityHashTree.Level(1, 0, 1));
        assertThat(VerityHashTree.layout(128 * 128 + 1).levels()).containsExactly(
                new VerityHashTree.Level(0, 3, 129), new VerityHashTree.Level(1, 1, 2), new VerityHashTree.Level(2, 0, 1));
        assertThat(VerityHashTree.layout(128 * 128 + 1).hashBytes()).isEqualTo(132L * 4096);
    }

    @Test
    void oneBlockHasNoTreeAndItsDigestIsTheRoot() throws IOException {
        Path data = TestFiles.randomFile(dir.resolve("data"), 1, 1);
        byte[] salt = TestFiles.salt(1);
        VerityHashTree.Tree tree = VerityHashTree.compute(data, salt);
        byte[] block = Files.readAllBytes(data);
        assertThat(tree.hashArea()).isEmpty();
        assertThat(tree.rootHash()).isEqualTo(VerityHashTree.digest(salt, block, 0, block.length));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 129, 128 * 128 + 1})
    void sameTreeAndRootAsVeritysetupFormat(long blocks) throws IOException {
        Path data = TestFiles.randomFile(dir.resolve("data"), blocks, blocks);
        byte[] salt = TestFiles.salt(blocks);
        VerityHashTree.Tree ours = VerityHashTree.compute(data, salt);

        Path theirs = dir.resolve("theirs.hash");
        Exec.Result format = Exec.of("veritysetup", "format", "--no-superblock", "--data-blocks=" + blocks,
                "--salt=" + hex(salt), data.toString(), theirs.toString()).check();
        assertThat(format.stdout()).contains("Root hash:").contains(hex(ours.rootHash()));
        assertThat(Files.readAllBytes(theirs)).isEqualTo(ours.hashArea());
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 129, 128 * 128 + 1})
    void veritysetupAcceptsOurTreeAndRejectsOneFlippedByte(long blocks) throws IOException {
        Path data = TestFiles.randomFile(dir.resolve("data"), blocks, 100 + blocks);
        byte[] salt = TestFiles.salt(blocks);
        VerityHashTree.Tree tree = VerityHashTree.compute(data, salt);
        Path hash = Files.write(dir.resolve("data.hash"), tree.hashArea());

        assertThat(TestFiles.veritysetupVerify(data, hash, 0, blocks, salt, tree.rootHash()).exitCode()).isZero();

        flipByte(data, (blocks / 2) * 4096 + 17);
        assertThat(TestFiles.veritysetupVerify(data, hash, 0, blocks, salt, tree.rootHash()).exitCode()).isNotZero();
        flipByte(data, (blocks / 2) * 4096 + 17);
        assertThat(TestFiles.veritysetupVerify(data, hash, 0, blocks, salt, tree.rootHash()).exitCode()).isZero();

        if (tree.hashArea().length > 0) {
            flipByte(hash, tree.hashArea().length - 4096 + 5);
            assertThat(TestFiles.veritysetupVerify(data, hash, 0, blocks, salt, tree.rootHash()).exitCode()).isNotZero();
        }
    }

    @Test
    void javaVerifyAcceptsTheTreeAndNamesEachKindOfDamage() throws IOException {
        long blocks = 300;
        Path data = TestFiles.randomFile(dir.resolve("data"), blocks, 9);
        byte[] salt = TestFiles.salt(9);
        VerityHashTree.Tree tree = VerityHashTree.compute(data, salt);
        Path hash = Files.write(dir.resolve("hash"), tree.hashArea());
        verify(data, hash, blocks, salt, tree.rootHash());

        flipByte(data, 123 * 4096 + 99);
        assertThatThrownBy(() -> verify(data, hash, blocks, salt, tree.rootHash()))
                .isInstanceOf(EflowException.class).hasMessage("data block 123 does not match the hash tree");
        flipByte(data, 123 * 4096 + 99);

        // Level 0 of a 300-block tree: 3 blocks stored after the 1 top block.
        flipByte(hash, 4096 + 4096 + 40);
        assertThatThrownBy(() -> verify(data, hash, blocks, salt, tree.rootHash()))
                .hasMessage("hash block 1 of level 0 does not match its parent");
        flipByte(hash, 4096 + 4096 + 40);

        flipByte(hash, 3);
        assertThatThrownBy(() -> verify(data, hash, blocks, salt, tree.rootHash()))
                .hasMessage("the hash tree's top block does not match the root hash");
        flipByte(hash, 3);

        byte[] wrongRoot = tree.rootHash().clone();
        wrongRoot[0] ^= 1;
        assertThatThrownBy(() -> verify(data, hash, blocks, salt, wrongRoot))
                .hasMessage("the hash tree's top block does not match the root hash");
        verify(data, hash, blocks, salt, tree.rootHash());
    }

    @Test
    void javaVerifyRejectsNonZeroPaddingEvenWithAConsistentChainLikeVeritysetup() throws IOException {
        long blocks = 300;
        Path data = TestFiles.randomFile(dir.resolve("data"), blocks, 11);
        byte[] salt = TestFiles.salt(11);
        byte[] area = VerityHashTree.compute(data, salt).hashArea().clone();
        // Layout: top block at 0, leaves at 1..3. The last leaf block holds 300 - 256 = 44 digests.
        int lastLeaf = 3 * 4096;
        area[lastLeaf + 44 * 32 + 1] = 1;
        // Re-chain honestly: the top entry for that leaf block and the root follow the change.
        byte[] leafDigest = VerityHashTree.digest(salt, area, lastLeaf, 4096);
        System.arraycopy(leafDigest, 0, area, 2 * 32, 32);
        byte[] root = VerityHashTree.digest(salt, area, 0, 4096);
        Path hash = Files.write(dir.resolve("hash"), area);

        assertThatThrownBy(() -> verify(data, hash, blocks, salt, root))
                .isInstanceOf(EflowException.class).hasMessage("the unused tail of level 0 is not zero");
        assertThat(TestFiles.veritysetupVerify(data, hash, 0, blocks, salt, root).exitCode()).isNotZero();
    }

    @Test
    void refusesDataThatIsNotWholeBlocks() throws IOException {
        Path data = Files.write(dir.resolve("odd"), new byte[5000]);
        assertThatThrownBy(() -> VerityHashTree.compute(data, TestFiles.salt(1)))
                .isInstanceOf(EflowException.class).hasMessageContaining("not a positive multiple of 4096");
    }

    private static void verify(Path data, Path hash, long blocks, byte[] salt, byte[] root) {
        try (FileChannel d = FileChannel.open(data, StandardOpenOption.READ);
             FileChannel h = FileChannel.open(hash, StandardOpenOption.READ)) {
            VerityHashTree.verify(d, 0, h, 0, blocks, salt, root);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
