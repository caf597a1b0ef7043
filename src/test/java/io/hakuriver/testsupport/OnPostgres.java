package io.hakuriver.testsupport;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a test class's clusters on PostgreSQL: {@code @ExtendWith(OnPostgres.class) class XOnPostgresIT extends XIT {}}
 * runs every test of XIT again with the Host's state in PostgreSQL. Its callbacks run before the class's own
 * {@code @BeforeAll} and after its {@code @AfterAll}, so the store is set for the whole class and SQLite is back after.
 */
public final class OnPostgres implements BeforeAllCallback, AfterAllCallback {
    @Override public void beforeAll(ExtensionContext context) throws Exception {
        Postgres.get(); // starts it (or fails under CI=true / skips locally when PostgreSQL is not installed)
        Cluster.useStore(Cluster.Store.POSTGRESQL);
    }

    @Override public void afterAll(ExtensionContext context) { Cluster.useStore(Cluster.Store.SQLITE); }
}
