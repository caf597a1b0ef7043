package io.hakuriver.docker;

import java.util.ArrayList;
import java.util.List;

/**
 * The argv a task container runs (spec 7.4, last paragraph). Old clients send whole command lines such as
 * {@code "python train.py | tee log"} in {@code command}; the original let the node's root shell interpret them
 * (S2). Here such a command is interpreted by {@code /bin/sh -c} <em>inside</em> the container, with the arguments
 * appended POSIX-quoted; a plain program name runs directly with its arguments as separate argv entries.
 */
public final class ContainerCommand {
    private static final String SHELL_CHARS = " \t\n\r;&|<>()$`\\\"'*?[]#~=%{}!";

    private ContainerCommand() {}

    public static boolean needsShell(String command) {
        for (char c : command.toCharArray()) if (SHELL_CHARS.indexOf(c) >= 0) return true;
        return false;
    }

    public static List<String> argv(String command, List<String> arguments) {
        if (command == null || command.isBlank()) throw new IllegalArgumentException("A task needs a command.");
        List<String> args = arguments == null ? List.of() : arguments;
        for (String a : args) if (a == null || a.indexOf('\0') >= 0) throw new IllegalArgumentException("Task arguments must not be null or contain NUL bytes.");
        if (command.indexOf('\0') >= 0) throw new IllegalArgumentException("The task command contains a NUL byte.");
        List<String> argv = new ArrayList<>();
        if (needsShell(command)) {
            StringBuilder line = new StringBuilder(command);
            for (String a : args) line.append(' ').append(quote(a));
            argv.add("/bin/sh");
            argv.add("-c");
            argv.add(line.toString());
        } else {
            argv.add(command);
            argv.addAll(args);
        }
        return argv;
    }

    /** POSIX single-quote quoting: the result is one word whose value is {@code s}. */
    public static String quote(String s) {
        if (!s.isEmpty() && s.chars().allMatch(c -> Character.isLetterOrDigit(c) || "@%+=:,./_-".indexOf(c) >= 0)) return s;
        return "'" + s.replace("'", "'\"'\"'") + "'";
    }
}
