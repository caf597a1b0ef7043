package io.hakuriver.testsupport;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.TestAbortedException;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * Class-level preconditions as a JUnit condition: the test class's {@code static void preconditions()} runs its
 * {@link Env#require} calls before anything else. A missing part then disables the class with the reason, which
 * Surefire/Failsafe count as skipped and write into the report; an assumption failing in @BeforeAll instead shows
 * "Tests run: 0, Skipped: 0" and the reason nowhere. Under CI=true the AssertionError fails the class as before.
 */
public final class Preconditions implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (context.getTestMethod().isPresent()) return ConditionEvaluationResult.enabled("checked for the class");
        Class<?> test = context.getRequiredTestClass();
        try {
            Method m = test.getDeclaredMethod("preconditions");
            m.setAccessible(true);
            m.invoke(null);
            return ConditionEvaluationResult.enabled("preconditions met");
        } catch (NoSuchMethodException e) {
            return ConditionEvaluationResult.enabled("no preconditions");
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof TestAbortedException a) return ConditionEvaluationResult.disabled(a.getMessage());
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException(test.getSimpleName() + ".preconditions() failed", e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
