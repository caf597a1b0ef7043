package io.hakuriver.util;

/** A usage problem found after parsing (exit 2). Here rather than in cli, so the commands' packages need not import it. */
public class UsageError extends RuntimeException {
    public UsageError(String m) { super(m); }
}
