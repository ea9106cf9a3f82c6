package io.eflow.cli;

import io.eflow.daemon.api.Verification;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/** Prints True or False like Verify-EflowVm, and says it in the exit code too so scripts can write {@code if eflow verify}. */
@Command(name = "verify", description = "Check that an instance is deployed and healthy: prints True (exit 0) or False (exit 1) (Verify-EflowVm).")
final class VerifyCommand extends EflowCommand implements Callable<Integer> {
    @Mixin
    NameOption name;

    @Mixin
    JsonOption json;

    @Override
    public Integer call() {
        Verification verification = client().verify(name.instance());
        print(json, verification, v -> v.verified() ? "True" : "False");
        return verification.verified() ? 0 : 1;
    }
}
