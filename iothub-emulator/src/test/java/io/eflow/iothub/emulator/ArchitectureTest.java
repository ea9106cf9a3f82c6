package io.eflow.iothub.emulator;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The emulator's packages form no cycle: the registry at the bottom, auth and the hub above it, the two protocol sides
 * on top, and the wiring package that none of them imports. The two sides never import each other: they meet in the hub.
 */
class ArchitectureTest {
    private static final JavaClasses EMULATOR = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.eflow.iothub.emulator");

    @Test
    void packagesFormNoCycle() {
        // io.eflow.(**): the wiring package is a slice too, so a feature package that reached back into it is a cycle
        slices().matching("io.eflow.(**)").should().beFreeOfCycles().check(EMULATOR);
    }

    @Test
    void theDeviceSideAndTheServiceSideMeetOnlyInTheHub() {
        noClasses().that().resideInAPackage("..emulator.mqtt..")
                .should().dependOnClassesThat().resideInAPackage("..emulator.service..").check(EMULATOR);
        noClasses().that().resideInAPackage("..emulator.service..")
                .should().dependOnClassesThat().resideInAPackage("..emulator.mqtt..").check(EMULATOR);
    }

    @Test
    void theRegistryKnowsNoProtocol() {
        noClasses().that().resideInAPackage("..emulator.registry..")
                .should().dependOnClassesThat().resideInAnyPackage("..emulator.mqtt..", "..emulator.service..",
                        "..emulator.hub..", "..emulator.auth..", "io.netty..", "com.sun.net.httpserver..")
                .check(EMULATOR);
    }
}
