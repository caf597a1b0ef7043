package io.hakuriver.host;

import io.hakuriver.store.Database;
import io.hakuriver.store.HostLease;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Which of the Hosts on one PostgreSQL leads. A Host waits as the standby until it gets the lease, then renews it
 * every third of the lease on its own connection (never behind the state lock). It steps down for good when a
 * renewal or a commit finds another holder (it was frozen past the lease and the standby took over), or when it
 * could not reach the database for a whole lease: from that moment it commits nothing, and {@code onLost} ends
 * the process, whose service manager starts it again as the standby.
 */
public final class Leadership implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Leadership.class);

    private final HostLease lease;
    private final Database db;
    private final ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "host-lease"); t.setDaemon(true); return t; });
    private volatile String leader = "";

    public Leadership(Database db, String self, int leaseSeconds, Runnable onLost) {
        this.db = db;
        this.lease = new HostLease(db, self, leaseSeconds);
        lease.onLost(() -> {
            log.error("This Host ({}) lost the leadership ({}): it writes nothing more and stops; the other Host leads",
                    self, lease.lostReason());
            onLost.run();
        });
    }

    public String self() { return lease.holder(); }
    public boolean leading() { return lease.held(); }
    /** The leader as last seen (this Host once it leads); "" when unknown. */
    public String leader() { return leading() ? self() : leader; }

    /**
     * Blocks until this Host holds the lease (true) or {@code stop} says to give up (false); {@code whileWaiting}
     * runs once if the first try finds another leader. Polls a few times per lease (at most every second), so the
     * takeover comes within a second of the old lease's expiry.
     */
    public boolean awaitLeadership(BooleanSupplier stop, Runnable whileWaiting) throws InterruptedException {
        long pollMs = Math.min(1000, lease.leaseMillis() / 4);
        boolean said = false;
        while (!stop.getAsBoolean()) {
            try {
                if (lease.tryAcquire()) break;
                if (!said) whileWaiting.run();
                HostLease.Holder h = lease.current();
                leader = h.live() ? h.holder() : "";
                if (!said) {
                    log.info("Standby: {} leads (lease {} s); this Host ({}) takes over when its lease expires",
                            h.live() ? h.holder() : "nobody", lease.leaseMillis() / 1000, self());
                    said = true;
                }
            } catch (java.sql.SQLException e) {
                log.warn("Standby cannot reach the database ({}); trying again", e.getMessage());
            }
            Thread.sleep(pollMs);
        }
        if (!lease.held()) return false;
        log.info("This Host ({}) leads now (epoch {})", self(), lease.epoch());
        db.fenceWith(lease);
        long every = Math.max(200, lease.leaseMillis() / 3);
        renewer.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
        return true;
    }

    private void renew() {
        try {
            lease.renew();
        } catch (Exception e) {
            // the lease may still be ours: try again until it has run out (renew() then steps down without asking)
            log.warn("Could not renew the leadership ({}); stepping down if that lasts for the whole lease", e.getMessage());
            // cut off from the database for a whole lease: a standby may lead by now, and Runners must go to it
            if (lease.expiredLocally()) lease.stepDown("could not reach the database for a whole lease");
        }
    }

    /** A clean stop: the lease is released, so the standby takes over at once instead of after the lease. */
    @Override public void close() {
        renewer.shutdownNow();
        lease.release();
        lease.close();
    }
}
