package io.hakuriver.store;

import io.hakuriver.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PostgresTargetTest {
    @TempDir Path tmp;

    @Test void theUrlBecomesAJdbcUrlAndThePasswordComesFromTheEnvironmentFirstNeverShown() throws Exception {
        Path pw = tmp.resolve("pw");
        Files.writeString(pw, "from-file\n");
        PostgresTarget t = PostgresTarget.parse("postgresql://lab@db.example:6543/hk?sslmode=require", pw.toString(), Map.of("HAKURIVER_DB_PASSWORD", "s3cret"));
        assertThat(t.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6543/hk?sslmode=require");
        assertThat(t.properties("writer").getProperty("password")).isEqualTo("s3cret");
        assertThat(t.properties("writer").getProperty("user")).isEqualTo("lab");
        assertThat(t.toString()).doesNotContain("s3cret").isEqualTo("postgresql://lab@db.example:6543/hk");
        assertThat(PostgresTarget.parse("postgres://db/hk", pw.toString(), Map.of()).properties("r").getProperty("password")).isEqualTo("from-file");
    }

    @Test void aPasswordInTheUrlOrAMissingFileIsRefusedWithoutEchoingIt() {
        assertThatThrownBy(() -> PostgresTarget.parse("postgresql://lab:hunter2@db/hk", "", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("password_file").hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> PostgresTarget.parse("postgresql://db/hk", tmp.resolve("none").toString(), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("password_file");
        assertThatThrownBy(() -> PostgresTarget.parse("mysql://db/hk", "", Map.of())).isInstanceOf(ConfigException.class);
    }

    @Test void migrationsTranslateToPostgresTypesAndUpsertsToOnConflict() {
        assertThat(Dialect.POSTGRESQL.ddl("CREATE TABLE t (id INTEGER PRIMARY KEY, x REAL, n INTEGER NOT NULL)"))
                .isEqualTo("CREATE TABLE t (id BIGINT PRIMARY KEY, x DOUBLE PRECISION, n BIGINT NOT NULL)");
        assertThat(Dialect.SQLITE.ddl("ALTER TABLE task ADD COLUMN gpu_count INTEGER")).isEqualTo("ALTER TABLE task ADD COLUMN gpu_count INTEGER");
        assertThat(Dialect.POSTGRESQL.upsert("node", "hostname", List.of("hostname", "url")))
                .isEqualTo("INSERT INTO node (hostname, url) VALUES (?,?) ON CONFLICT (hostname) DO UPDATE SET url = EXCLUDED.url");
        assertThat(Dialect.SQLITE.upsert("node", "hostname", List.of("hostname", "url"))).isEqualTo("INSERT OR REPLACE INTO node (hostname, url) VALUES (?,?)");
    }
}
