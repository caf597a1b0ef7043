package io.hakuriver.hakurun;

import java.util.ArrayList;
import java.util.List;

/**
 * What hakurun runs for each combination. Every kind becomes an argv array for a child process; nothing is ever
 * passed through a shell.
 */
public sealed interface Target {

    /** The name the user gave, for messages. */
    String name();

    /** The child's argv for one combination. */
    List<String> argv(Combination combination);

    /** How log lines show one combination: the shell-quoted argv, unless a kind has a clearer form. */
    default String describe(Combination combination) { return ShellQuoting.join(argv(combination)); }

    /** An executable: a name found on PATH or a path containing '/'. The values follow it as arguments. */
    record Executable(String name) implements Target {
        @Override public List<String> argv(Combination c) {
            List<String> argv = new ArrayList<>();
            argv.add(name);
            argv.addAll(c.texts());
            return argv;
        }
    }

    /** A Python module run as a program: {@code python3 -m MODULE values...}. */
    record PythonModule(String name, String python) implements Target {
        @Override public List<String> argv(Combination c) {
            List<String> argv = new ArrayList<>(List.of(python, "-m", name));
            argv.addAll(c.texts());
            return argv;
        }
    }

    /**
     * A function in a Python module ({@code module:function}), called with the values as positional arguments:
     * range values as int, everything else as str, whatever the number of combinations (defect H2 fixed).
     * A fixed script is passed with {@code -c}; the user's module, function and values only ever travel as argv
     * elements, so no user text becomes code.
     */
    record PythonFunction(String name, String python, String module, String function) implements Target {
        /** Argv after the script: app, module, function, kinds ('i' = int, 's' = str, one per value), values... */
        static final String SCRIPT = """
                import importlib, inspect, sys
                app, module_name, function_name, kinds = sys.argv[1:5]
                raw = sys.argv[5:]
                values = [int(v) if k == "i" else v for k, v in zip(kinds, raw)]
                sys.argv = [app] + raw
                if "" not in sys.path:
                    sys.path.insert(0, "")
                function = getattr(importlib.import_module(module_name), function_name, None)
                if not callable(function):
                    sys.stderr.write("hakurun: module %s has no function %s\\n" % (module_name, function_name))
                    sys.exit(1)
                try:
                    inspect.signature(function).bind(*values)
                except TypeError as e:
                    sys.stderr.write("hakurun: %s cannot be called with %d argument(s) %r: %s\\n" % (app, len(values), values, e))
                    sys.exit(1)
                except ValueError:
                    pass
                function(*values)
                """;

        @Override public List<String> argv(Combination c) {
            StringBuilder kinds = new StringBuilder();
            for (SpanValue v : c.values()) kinds.append(v.integer() ? 'i' : 's');
            List<String> argv = new ArrayList<>(List.of(python, "-c", SCRIPT, name, module, function, kinds.toString()));
            argv.addAll(c.texts());
            return argv;
        }

        /** {@code mymod:main(1, 'a')}: shows the call and the Python types the values arrive with. */
        @Override public String describe(Combination c) {
            StringBuilder s = new StringBuilder(name).append('(');
            for (int i = 0; i < c.values().size(); i++) {
                if (i > 0) s.append(", ");
                SpanValue v = c.values().get(i);
                s.append(v.integer() ? v.text() : pythonRepr(v.text()));
            }
            return s.append(')').toString();
        }

        private static String pythonRepr(String text) {
            StringBuilder s = new StringBuilder("'");
            for (char ch : text.toCharArray()) {
                switch (ch) {
                    case '\\' -> s.append("\\\\");
                    case '\'' -> s.append("\\'");
                    case '\n' -> s.append("\\n");
                    case '\t' -> s.append("\\t");
                    case '\r' -> s.append("\\r");
                    default -> s.append(ch);
                }
            }
            return s.append('\'').toString();
        }
    }
}
