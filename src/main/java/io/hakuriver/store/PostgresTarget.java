package io.hakuriver.store;

import io.hakuriver.config.ConfigException;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * Where the Host's PostgreSQL is: {@code [database] url = "postgresql://user@host:5432/dbname"}, the password from
 * HAKURIVER_DB_PASSWORD or {@code password_file}. The password is never part of {@link #toString()} or any message.
 */
public final class PostgresTarget {
    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final String shown;
    private final String host;

    private PostgresTarget(String jdbcUrl, String user, String password, String shown, String host) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.shown = shown;
        this.host = host;
    }

    /** The same target, its connections named after this Host in pg_stat_activity (which of two Hosts is which). */
    public PostgresTarget forHost(String hostUrl) { return new PostgresTarget(jdbcUrl, user, password, shown, hostUrl); }

    public static PostgresTarget parse(String url, String passwordFile, Map<String, String> env) {
        URI u;
        try {
            u = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("database.url is not a URL (expected postgresql://user@host:5432/dbname)");
        }
        if (!"postgresql".equals(u.getScheme()) && !"postgres".equals(u.getScheme())) {
            throw new ConfigException("database.url must start with postgresql:// (e.g. postgresql://hakuriver@db:5432/hakuriver); "
                    + "leave it empty for SQLite at db_file");
        }
        String info = u.getRawUserInfo();
        if (info != null && info.contains(":")) {
            // a password in the config text would end up in backups, unit files and bug reports
            throw new ConfigException("database.url must not contain a password: put it in database.password_file or HAKURIVER_DB_PASSWORD");
        }
        if (u.getHost() == null || u.getPath() == null || u.getPath().length() < 2) {
            throw new ConfigException("database.url needs a host and a database name: postgresql://user@host:5432/dbname");
        }
        String user = info == null || info.isBlank() ? "hakuriver" : info;
        int port = u.getPort() < 0 ? 5432 : u.getPort();
        String where = "//" + u.getHost() + ":" + port + u.getRawPath();
        String jdbc = "jdbc:postgresql:" + where + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
        return new PostgresTarget(jdbc, user, password(passwordFile, env), "postgresql://" + user + "@" + where.substring(2), "");
    }

    private static String password(String file, Map<String, String> env) {
        String fromEnv = env.get("HAKURIVER_DB_PASSWORD");
        if (fromEnv != null && !fromEnv.isEmpty()) return fromEnv;
        if (file == null || file.isBlank()) return null; // trust or peer authentication, or ~/.pgpass
        Path p = Path.of(file);
        try {
            return Files.readAllLines(p).stream().map(String::strip).filter(s -> !s.isEmpty()).findFirst()
                    .orElseThrow(() -> new ConfigException("database.password_file " + p.toAbsolutePath() + " is empty: write the password on its first line"));
        } catch (IOException e) {
            throw new ConfigException("Cannot read database.password_file " + p.toAbsolutePath() + ": " + e.getClass().getSimpleName()
                    + ". Create it (chmod 600) or set HAKURIVER_DB_PASSWORD.");
        }
    }

    String jdbcUrl() { return jdbcUrl; }

    /** Connection properties; {@code role} names the connection in pg_stat_activity (writer, reader, lease). */
    Properties properties(String role) {
        Properties p = new Properties();
        p.setProperty("user", user);
        if (password != null) p.setProperty("password", password);
        p.setProperty("ApplicationName", ("hakuriver-host " + role + " " + host).strip());
        p.setProperty("connectTimeout", "5");
        p.setProperty("socketTimeout", "60"); // a database that stops answering ends the call instead of hanging the Host
        p.setProperty("tcpKeepAlive", "true");
        return p;
    }

    /** The URL without any secret, for logs and messages. */
    @Override public String toString() { return shown; }
}
