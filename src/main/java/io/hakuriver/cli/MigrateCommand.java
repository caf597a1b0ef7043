package io.hakuriver.cli;

import io.hakuriver.config.ConfigOption;
import io.hakuriver.config.HakuConfig;
import io.hakuriver.store.Database;
import io.hakuriver.store.Dialect;
import io.hakuriver.store.HostLease;
import io.hakuriver.store.SqliteImport;
import io.hakuriver.util.ExitCodes;
import io.hakuriver.util.VersionProvider;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * hakuriver.host migrate --from-sqlite FILE: moves a Host from SQLite to the PostgreSQL of its config. It holds the
 * leadership lease while it copies, so no Host can start leading (and writing) half-way.
 */
@Command(name = "migrate", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Copy a Host's SQLite state (nodes, tasks, history) into the PostgreSQL of [database] url, then verify the counts.",
                "Stop the Host first; the target database must be empty. The SQLite file is only read."})
public class MigrateCommand implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Option(names = "--from-sqlite", required = true, paramLabel = "FILE", description = "The SQLite file (the Host's database.db_file).")
    Path from;

    @Override public Integer call() {
        HakuConfig cfg = config.load();
        if (!cfg.database().postgres()) {
            System.err.println("Error: [database] url is empty: set it to the PostgreSQL to migrate into (postgresql://user@host:5432/dbname).");
            return ExitCodes.USAGE;
        }
        try (Database target = Database.open(cfg)) {
            if (target.dialect() != Dialect.POSTGRESQL) return ExitCodes.USAGE;
            HostLease lease = new HostLease(target, "migrate from " + from.toAbsolutePath(), cfg.database().lease());
            if (!lease.tryAcquire()) {
                System.err.println("Error: a Host leads on " + target.describe() + " (" + lease.current().holder()
                        + "): stop every Host before migrating.");
                return ExitCodes.FAILURE;
            }
            target.fenceWith(lease);
            try {
                System.out.println("Copying " + from + " into " + target.describe() + "...");
                SqliteImport.Report r = SqliteImport.copy(from, target);
                for (Map.Entry<String, Long> e : r.source().entrySet()) {
                    System.out.printf("  %-20s %8d -> %8d%n", e.getKey(), e.getValue(), r.target().getOrDefault(e.getKey(), 0L));
                }
                if (!r.matches()) {
                    System.err.println("Error: the counts differ (target: " + r.target() + "); the PostgreSQL database is not a faithful copy.");
                    return ExitCodes.FAILURE;
                }
                System.out.println("Done: counts match. Start the Host with this config to use PostgreSQL.");
                return ExitCodes.OK;
            } finally {
                lease.release();
                lease.close();
            }
        } catch (IllegalStateException | IllegalArgumentException e) {
            System.err.println("Error: " + HostCommand.rootMessage(e));
            return ExitCodes.FAILURE;
        } catch (java.sql.SQLException | java.io.IOException e) {
            System.err.println("Error: " + e.getMessage());
            return ExitCodes.FAILURE;
        }
    }
}
