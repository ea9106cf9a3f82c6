package io.eflow.it;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Hands tests the shared {@link TestHost}, and keeps a class made for one backend ({@link QemuOnly},
 * {@link NamespaceOnly}) out of a run of the other: the build also filters by these tags, this holds wherever the
 * tests are started from.
 */
public final class GuestFixture implements ParameterResolver, ExecutionCondition {
    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == TestHost.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return TestHost.get(context);
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        for (String backend : new String[] {TestHost.NAMESPACE, TestHost.QEMU}) {
            if (context.getTags().contains(backend) && !Backends.selected(backend)) {
                return ConditionEvaluationResult.disabled("a " + backend + " class; this run: " + Backends.selected());
            }
        }
        return ConditionEvaluationResult.enabled("its backend is selected");
    }
}
