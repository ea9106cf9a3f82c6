package io.eflow.image;

import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveInputStream;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Reads the writer's output back with an independent newc reader (commons-compress). */
class CpioWriterTest {
    @Test
    void writesNewcThatAnotherReaderUnderstands() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (CpioWriter cpio = new CpioWriter(bytes, 1_735_689_600L)) {
            cpio.directory("bin", 0755);
            cpio.file("bin/busybox", 0755, "odd-sized content".getBytes(StandardCharsets.UTF_8));
            cpio.symlink("bin/sh", "busybox");
            cpio.charDevice("dev/console", 0600, 5, 1);
            cpio.file("init", 0700, new byte[0]);
        }
        byte[] archive = bytes.toByteArray();
        assertThat(archive.length % 4).isZero();
        assertThat(new String(archive, 0, 6, StandardCharsets.US_ASCII)).isEqualTo("070701");

        List<String> names = new ArrayList<>();
        try (CpioArchiveInputStream in = new CpioArchiveInputStream(new ByteArrayInputStream(archive))) {
            CpioArchiveEntry e;
            while ((e = in.getNextCPIOEntry()) != null) {
                names.add(e.getName());
                assertThat(e.getFormat()).isEqualTo(CpioArchiveEntry.FORMAT_NEW);
                assertThat(e.getTime()).isEqualTo(1_735_689_600L);
                switch (e.getName()) {
                    case "bin" -> assertThat(e.getMode()).isEqualTo(CpioWriter.S_IFDIR | 0755);
                    case "bin/busybox" -> {
                        assertThat(e.getMode()).isEqualTo(CpioWriter.S_IFREG | 0755);
                        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("odd-sized content");
                    }
                    case "bin/sh" -> {
                        assertThat(e.isSymbolicLink()).isTrue();
                        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("busybox");
                    }
                    case "dev/console" -> {
                        assertThat(e.isCharacterDevice()).isTrue();
                        assertThat(e.getRemoteDeviceMaj()).isEqualTo(5);
                        assertThat(e.getRemoteDeviceMin()).isEqualTo(1);
                    }
                    case "init" -> assertThat(e.getSize()).isZero();
                    default -> throw new AssertionError("unexpected entry " + e.getName());
                }
            }
        }
        assertThat(names).containsExactly("bin", "bin/busybox", "bin/sh", "dev/console", "init");

        ByteArrayOutputStream again = new ByteArrayOutputStream();
        try (CpioWriter cpio = new CpioWriter(again, 1_735_689_600L)) {
            cpio.directory("bin", 0755);
            cpio.file("bin/busybox", 0755, "odd-sized content".getBytes(StandardCharsets.UTF_8));
            cpio.symlink("bin/sh", "busybox");
            cpio.charDevice("dev/console", 0600, 5, 1);
            cpio.file("init", 0700, new byte[0]);
        }
        assertThat(again.toByteArray()).as("same content, same bytes").isEqualTo(archive);
    }

    @Test
    void moduleDependenciesComeFromModinfo() {
        byte[] module = VmlinuxExtractorTest.concat(new byte[] {1, 2, 0}, "license=GPL\0depends=virtio,virtio_ring\0name=virtio_blk\0"
                .getBytes(StandardCharsets.US_ASCII));
        assertThat(BootKit.dependsOf(module)).containsExactly("virtio", "virtio_ring");
        assertThat(BootKit.dependsOf("x\0depends=\0name=a\0".getBytes(StandardCharsets.US_ASCII))).isEmpty();
        assertThat(BootKit.moduleName("dm-verity.ko")).isEqualTo(BootKit.moduleName("dm_verity"));
    }
}
