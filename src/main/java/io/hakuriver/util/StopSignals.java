package io.hakuriver.util;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * SIGTERM (systemctl stop) and SIGINT (Ctrl-C) as an orderly stop: the daemon's main thread wakes up, closes what it
 * runs and returns exit status 0. The JVM's default answer is to run shutdown hooks and exit 143/130, which systemd
 * counts as a failure for any unit that does not list SuccessExitStatus=143 (the guide's hand-written ones).
 * Uses sun.misc.Signal (module jdk.unsupported, in every JDK) through reflection, so compiling it prints no
 * "internal proprietary API" warning; where it is missing, the JVM's default handling stays and a shutdown hook
 * still closes everything.
 */
public final class StopSignals {
    private final CountDownLatch stop = new CountDownLatch(1);
    private final AtomicReference<String> received = new AtomicReference<>();
    private final boolean installed;

    private StopSignals() {
        installed = handle("TERM");
        handle("INT"); // optional: where it cannot be handled (ignored by the parent shell) TERM still works
    }

    /** Installs the handlers now (call before the daemon starts, so an early stop is not lost). */
    public static StopSignals install() { return new StopSignals(); }

    /** Whether the handlers are in place (false: the JVM's default handling applies). */
    public boolean installed() { return installed; }

    /** Blocks until SIGTERM or SIGINT; returns "TERM" or "INT". */
    public String await() throws InterruptedException {
        stop.await();
        return received.get();
    }

    /** Whether a stop was asked for (a standby that waits for the leadership gives up then). */
    public boolean stopped() { return stop.getCount() == 0; }

    /** Wakes {@link #await} as a signal would (tests, or a fatal condition found by the daemon's own watcher). */
    public void trigger(String why) {
        received.compareAndSet(null, why);
        stop.countDown();
    }

    private boolean handle(String name) {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handler = Class.forName("sun.misc.SignalHandler");
            InvocationHandler ih = (proxy, method, args) -> {
                if (method.getName().equals("handle")) trigger(name);
                else if (method.getName().equals("hashCode")) return System.identityHashCode(proxy);
                else if (method.getName().equals("equals")) return proxy == args[0];
                else if (method.getName().equals("toString")) return "StopSignals(" + name + ")";
                return null;
            };
            Object h = Proxy.newProxyInstance(handler.getClassLoader(), new Class<?>[]{handler}, ih);
            signal.getMethod("handle", signal, handler).invoke(null, signal.getConstructor(String.class).newInstance(name), h);
            return true;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return false;
        }
    }
}
