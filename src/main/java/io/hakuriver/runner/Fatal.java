package io.hakuriver.runner;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * An Error (out of memory, a broken class path…) in one of the Runner's own threads leaves it unable to start,
 * report or heart-beat, so the process ends at once: systemd restarts it and the new process re-attaches to the
 * running tasks. A half-alive Runner would instead hold its tasks while the Host marks them lost.
 */
final class Fatal {
    private static final Logger log = LoggerFactory.getLogger(Fatal.class);
    /** EX_SOFTWARE: the unit's Restart=on-failure restarts the Runner. */
    static final int EXIT_CODE = 70;

    private Fatal() {}

    /** Thread handler for the Runner's threads: an uncaught Error ends the process, an exception is only logged. */
    static final Thread.UncaughtExceptionHandler HANDLER = (t, e) -> {
        if (e instanceof Error err) exit(t.getName(), err);
        else log.error("uncaught exception in {}", t.getName(), e);
    };

    /** Runs r, ending the process on an Error (executors and futures would otherwise keep it as their result). */
    static Runnable guard(String what, Runnable r) {
        return () -> {
            try { r.run(); } catch (Error e) { exit(what, e); }
        };
    }

    /** The Error behind a failed future's exception, if any. */
    static Error errorIn(Throwable t) {
        while (t instanceof CompletionException || t instanceof ExecutionException) {
            if (t.getCause() == null) break;
            t = t.getCause();
        }
        return t instanceof Error e ? e : null;
    }

    static void exit(String where, Error e) {
        try {
            log.error("fatal error in {}; the Runner exits so that it can be restarted", where, e);
        } catch (Throwable ignored) { // logging itself may fail when the heap is exhausted: the exit matters more
        }
        // halt, not exit: shutdown hooks would wait for the very threads that failed
        Runtime.getRuntime().halt(EXIT_CODE);
    }

    /** A daemon thread of the Runner that ends the process on an Error. */
    static Thread thread(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.setUncaughtExceptionHandler(HANDLER);
        return t;
    }
}
