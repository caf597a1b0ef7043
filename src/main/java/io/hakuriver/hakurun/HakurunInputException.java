package io.hakuriver.hakurun;

/**
 * Bad input to hakurun (span syntax, target that cannot be run, bad option value). The message names the offending
 * argument and is printed as is; the command maps it to the usage exit code.
 */
public class HakurunInputException extends RuntimeException {
    public HakurunInputException(String message) { super(message); }
}
