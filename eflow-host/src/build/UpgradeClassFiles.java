import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Opcodes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Build step (run by eflow-host's pom in the package phase, after the dependencies are copied to target/lib):
 * rewrites the class files of one jar older than Java 8 to Java 8's format, with stack map frames computed by ASM,
 * and leaves everything else in it byte for byte.
 *
 * <p>Why: picocli's classes are Java 5 class files, which AppCDS refuses ("Pre JDK 6 class not supported by CDS"),
 * so every CLI run parsed and verified its 176 picocli classes with the old type-inferring verifier. As Java 8
 * classes they go into the CLI's archive, verified once when it is recorded. The code itself is unchanged: only the
 * version number and the StackMapTable attributes the newer format requires are new.
 *
 * <p>Usage: {@code java -cp asm.jar:JAR UpgradeClassFiles.java JAR} (the jar itself on the class path, so ASM can
 * load its classes when it merges two types in a frame). Runs again harmlessly on a jar it already upgraded.
 */
public final class UpgradeClassFiles {
    private static final int TARGET = Opcodes.V1_8;

    public static void main(String[] args) throws IOException {
        Path jar = Path.of(args[0]);
        Path tmp = jar.resolveSibling(jar.getFileName() + ".tmp");
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(jar));
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(tmp))) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                byte[] bytes = in.readAllBytes();
                // multi-release entries (module-info under META-INF/versions) are already new enough
                if (entry.getName().endsWith(".class") && !entry.getName().startsWith("META-INF/") && major(bytes) < 52) {
                    bytes = upgrade(bytes);
                }
                ZipEntry copy = new ZipEntry(entry.getName());
                copy.setTime(entry.getTime());
                out.putNextEntry(copy);
                out.write(bytes);
                out.closeEntry();
            }
        }
        Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static int major(byte[] classFile) {
        return ((classFile[6] & 0xff) << 8) | (classFile[7] & 0xff);
    }

    private static byte[] upgrade(byte[] classFile) {
        ClassReader reader = new ClassReader(classFile);
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_FRAMES);
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
                super.visit(TARGET, access, name, signature, superName, interfaces);
            }
        }, ClassReader.SKIP_FRAMES);
        return writer.toByteArray();
    }

    private UpgradeClassFiles() {
    }
}
