package io.hakuriver.cli;

import io.hakuriver.config.HakuConfig;
import io.hakuriver.docker.DockerHostModule;
import io.hakuriver.docker.MountPolicy;
import io.hakuriver.host.HostServer;
import io.hakuriver.host.Leadership;
import io.hakuriver.host.StandbyServer;
import io.hakuriver.store.Database;
import io.hakuriver.store.Dialect;
import io.hakuriver.systemd.SocketActivation;
import io.hakuriver.util.StopSignals;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/** The composition root of the Host: the core server plus the parts that live in packages above it. */
final class HostAssembly {
    private static final Logger log = LoggerFactory.getLogger(HostAssembly.class);

    private HostAssembly() {}

    static HostServer create(HakuConfig cfg) {
        return new HostServer(cfg, List.of(new DockerHostModule(cfg)), mounts -> MountPolicy.validate(mounts, cfg.docker()));
    }

    /**
     * The Host on the configured database. On PostgreSQL it first becomes the leader: while another Host leads it
     * answers as the standby ({@link StandbyServer}) and waits. Returns null when a stop came before it led.
     * Losing the leadership later triggers {@code signals} (the process then ends with a failure status).
     */
    static HostServer create(HakuConfig cfg, StopSignals signals, Runnable onLost) throws InterruptedException {
        Database db = Database.open(cfg);
        Leadership lead = null;
        if (db.dialect() == Dialect.POSTGRESQL) {
            lead = new Leadership(db, cfg.advertisedUrl(), cfg.database().lease(), onLost);
            StandbyServer[] standby = new StandbyServer[1];
            Leadership l = lead;
            boolean leads;
            try {
                leads = lead.awaitLeadership(signals::stopped, () -> {
                    // Jetty closes a socket it served on when it stops, and systemd's socket can be taken only once:
                    // the standby leaves it to the full Host (binding the port itself would fail against systemd and
                    // end in a restart loop). Connections meanwhile wait in the socket's backlog.
                    if (SocketActivation.offered()) {
                        log.warn("Standby under socket activation: not answering on the socket systemd passed until this Host leads"
                                + " (clients reach the leader through the other address of host_reachable_address)");
                        return;
                    }
                    standby[0] = new StandbyServer(cfg, l).start();
                });
            } finally {
                if (standby[0] != null) standby[0].close();
            }
            if (!leads) { lead.close(); db.close(); return null; }
        }
        return new HostServer(cfg, db, lead, List.of(new DockerHostModule(cfg)), mounts -> MountPolicy.validate(mounts, cfg.docker()));
    }
}
