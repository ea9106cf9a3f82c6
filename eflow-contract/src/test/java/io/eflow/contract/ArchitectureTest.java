package io.eflow.contract;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** The contract stays at the bottom: host and guest build on it, it builds on neither, and its packages form no cycle. */
class ArchitectureTest {
    private static final JavaClasses CONTRACT = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.eflow");

    @Test
    void packagesFormNoCycle() {
        slices().matching("io.eflow.(**)").should().beFreeOfCycles().check(CONTRACT);
    }

    @Test
    void importsNoEflowPackageOutsideItself() {
        noClasses().that().resideInAPackage("io.eflow.contract..")
                .should().dependOnClassesThat(resideInAPackage("io.eflow..").and(resideInAPackage("io.eflow.contract..").negate()))
                .check(CONTRACT);
    }
}
