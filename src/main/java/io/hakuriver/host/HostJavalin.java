package io.hakuriver.host;

import io.hakuriver.config.HakuConfig;
import io.hakuriver.http.JettyFootprint;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.util.function.Consumer;

/** The Javalin server both Host roles (the full Host, the standby) start on host_bind_ip:host_port. */
final class HostJavalin {
    private HostJavalin() {}

    static Javalin create(HakuConfig config, int maxThreads, int minThreads, String threadName, Consumer<JavalinConfig> more) {
        JettyFootprint.apply(); // before the first Jetty class loads
        return Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            QueuedThreadPool pool = new QueuedThreadPool(maxThreads, minThreads);
            pool.setName(threadName);
            cfg.jetty.threadPool = pool;
            cfg.jetty.host = config.network().hostBindIp();
            cfg.jetty.port = config.network().hostPort();
            more.accept(cfg);
        });
    }
}
