package io.eflow.guest;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The guest runtime's packages form no cycle: values at the bottom (the contract, the hub's messages), services above
 * them. The rules of the old knot are spelt out so a change that brings one of its edges back says which.
 */
class ArchitectureTest {
    private static final JavaClasses GUEST = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.eflow");

    @Test
    void packagesFormNoCycle() {
        slices().matching("io.eflow.(**)").should().beFreeOfCycles().check(GUEST);
    }

    @Test
    void hubMessagesImportNothingButTheJdk() {
        classes().that().resideInAPackage("io.eflow.edge.hub.message")
                .should().onlyDependOnClassesThat().resideInAnyPackage("io.eflow.edge.hub.message", "java..")
                .check(GUEST);
    }

    @Test
    void authDoesNotReachIntoTheMqttServer() {
        noClasses().that().resideInAPackage("io.eflow.edge.hub.auth")
                .should().dependOnClassesThat().resideInAnyPackage("io.eflow.edge.hub.mqtt..", "io.eflow.edge.hub")
                .check(GUEST);
    }

    @Test
    void theCloudLinkKnowsTheAgentOnlyByItsPort() {
        noClasses().that().resideInAPackage("io.eflow.edge.cloud..")
                .should().dependOnClassesThat().resideInAnyPackage("io.eflow.edge.agent..", "io.eflow.guest..")
                .check(GUEST);
    }

    @Test
    void agentAndHubMeetOnlyThroughTheDevicePort() {
        noClasses().that().resideInAPackage("io.eflow.edge.agent..")
                .should().dependOnClassesThat().resideInAPackage("io.eflow.edge.hub..")
                .check(GUEST);
        noClasses().that().resideInAPackage("io.eflow.edge.hub..")
                .should().dependOnClassesThat().resideInAPackage("io.eflow.edge.agent..")
                .check(GUEST);
        classes().that().resideInAPackage("io.eflow.edge.device")
                .should().onlyDependOnClassesThat()
                .resideInAnyPackage("io.eflow.edge.device", "io.eflow.contract..", "com.fasterxml.jackson.databind..", "java..")
                .check(GUEST);
    }
}
