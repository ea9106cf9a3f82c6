package io.eflow;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.eflow.boot.TrialResult;
import io.eflow.channel.CommandResult;
import io.eflow.cli.EflowCli;
import io.eflow.firewall.FirewallRule;
import io.eflow.firewall.SshTransport;
import io.eflow.forward.Forward;
import io.eflow.update.UpdateJournal;
import io.eflow.update.UpdateView;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The host's package structure, checked on its compiled classes: no package cycles, and the layers — instance values
 * at the bottom; boot records, backends and the REST records above them; the instance manager above those; the
 * daemon, updater, forwards and runtime clients on top — with the CLI reading only the REST records.
 */
@AnalyzeClasses(packages = "io.eflow", importOptions = {ImportOption.DoNotIncludeTests.class, ArchitectureTest.HostClasses.class})
class ArchitectureTest {
    private static final String MODEL = "io.eflow.instance.model";
    private static final String MANAGER = "io.eflow.instance";
    /** eflow's own packages that belong to the host; the contract (eflow-contract) is the bottom every layer may use. */
    private static final DescribedPredicate<JavaClass> HOST_PACKAGE =
            resideInAPackage("io.eflow..").and(not(resideInAPackage("io.eflow.contract..")));

    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("io.eflow.(**)").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule instanceValuesImportNothingAbove = onlyWithinEflow(MODEL, MODEL, "io.eflow.firewall", "io.eflow.platform");

    @ArchTest
    static final ArchRule bootRecordsBuildOnValuesOnly =
            onlyWithinEflow("io.eflow.boot", "io.eflow.boot", MODEL, "io.eflow.image", "io.eflow.platform");

    @ArchTest
    static final ArchRule restRecordsCarryValuesOnly = onlyWithinEflow("io.eflow.daemon.api",
            "io.eflow.daemon.api", MODEL, "io.eflow.boot", "io.eflow.firewall", "io.eflow.host", "io.eflow.platform");

    @ArchTest
    static final ArchRule backendsKnowNoManagerNorAnythingAbove = noClasses().that().resideInAPackage("io.eflow.backend..")
            .should().dependOnClassesThat().resideInAnyPackage(MANAGER, "io.eflow.daemon..", "io.eflow.cli",
                    "io.eflow.update", "io.eflow.forward", "io.eflow.modules");

    @ArchTest
    static final ArchRule nothingBelowTheManagerImportsIt = noClasses().that().resideInAnyPackage(MODEL, "io.eflow.boot",
                    "io.eflow.daemon.api", "io.eflow.backend..", "io.eflow.tpm", "io.eflow.channel", "io.eflow.firewall",
                    "io.eflow.image", "io.eflow.host", "io.eflow.platform")
            .should().dependOnClassesThat().resideInAPackage(MANAGER);

    /**
     * The CLI speaks to eflowd through the REST records. The true exceptions: {@code image build/bundle/verify} and
     * {@code update check} work in the CLI's own process (images, bundles and update sources are files or URLs the CLI
     * reads itself), {@code eflow daemon} runs eflowd in the CLI's process, and a few REST records carry values owned by
     * feature packages (a command's result, a firewall rule, a forward, a trial result, the update view).
     */
    @ArchTest
    static final ArchRule cliReadsOnlyTheRestRecords = noClasses().that().resideInAPackage("io.eflow.cli")
            .and().haveNameNotMatching("io\\.eflow\\.cli\\.(ImageCommand|UpdateCheckCommand|DaemonCommand)(\\$.*)?")
            .should().dependOnClassesThat(HOST_PACKAGE
                    .and(not(resideInAnyPackage("io.eflow.cli", "io.eflow.daemon.api", MODEL, "io.eflow.host", "io.eflow.platform")))
                    .and(not(belongToAnyOf(CommandResult.class, FirewallRule.class, SshTransport.class, Forward.class,
                            TrialResult.class, UpdateView.class, UpdateJournal.class))));

    /** Classes in {@code pkg} may depend, among the host's own packages, only on the ones listed (and on the contract). */
    private static ArchRule onlyWithinEflow(String pkg, String... allowed) {
        DescribedPredicate<JavaClass> outside = HOST_PACKAGE.and(not(resideInAnyPackage(allowed)));
        return noClasses().that().resideInAPackage(pkg).should().dependOnClassesThat(outside);
    }

    /** eflow-host's own classes only: not the other modules' io.eflow packages on the test class path. */
    static final class HostClasses implements ImportOption {
        private static final String HOST = EflowCli.class.getProtectionDomain().getCodeSource().getLocation().toString();

        @Override
        public boolean includes(Location location) {
            return location.asURI().toString().startsWith(HOST);
        }
    }
}
