package io.hakuriver.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL server for integration tests: Debian's postgresql package, a throw-away cluster made with
 * initdb and started with pg_ctl on a free loopback port, by an unprivileged user (the postgres account when the
 * tests run as root: PostgreSQL refuses to run as root). One server per test JVM, stopped when it exits; each
 * {@link #newDatabase()} is a fresh database on it. Password authentication on TCP, as a lab would have it.
 */
public final class Postgres {
    public static final String USER = "hakuriver";
    private static Postgres instance;
    private static final AtomicInteger databases = new AtomicInteger();

    public final int port;
    public final Path passwordFile;
    private final Path dir;
    private final Path bin;
    private final String password = "pw-" + Long.toHexString(Double.doubleToLongBits(Math.random()));

    /** The bin directory of the newest installed PostgreSQL, or null. */
    static Path binDir() {
        try (var s = Files.list(Path.of("/usr/lib/postgresql"))) {
            return s.map(p -> p.resolve("bin")).filter(p -> Files.isExecutable(p.resolve("pg_ctl")))
                    .max(Comparator.comparing(p -> Integer.parseInt(p.getParent().getFileName().toString().replaceAll("\\D", "0")))).orElse(null);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    public static boolean available() { return binDir() != null; }

    /** Locally a missing PostgreSQL skips the test; under CI=true it fails (.ci/run installs it). */
    public static void require() { Env.require(available(), "PostgreSQL (Debian package postgresql: initdb, pg_ctl)"); }

    /** The server of this JVM, started on first use. */
    public static synchronized Postgres get() throws Exception {
        require();
        if (instance == null) {
            instance = new Postgres();
            Runtime.getRuntime().addShutdownHook(new Thread(instance::stop, "postgres-stop"));
        }
        return instance;
    }

    private Postgres() throws Exception {
        bin = binDir();
        dir = Files.createTempDirectory(Path.of("/tmp"), "hakuriver-pg-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        passwordFile = dir.resolve("password");
        Files.writeString(passwordFile, password + "\n");
        Path data = dir.resolve("data");
        if (asRoot()) chownToPostgres(dir);
        port = Cluster.freePort();
        run(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", USER, "--pwfile=" + passwordFile,
                "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-sync"));
        // fsync stays on: the takeover and benchmark numbers are those of a real server
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", dir.resolve("server.log").toString(), "-w", "-t", "60",
                "-o", "-p " + port + " -c listen_addresses=127.0.0.1 -k " + dir + " -c max_connections=200", "start"));
    }

    private static boolean asRoot() { return "root".equals(System.getProperty("user.name")); }

    private static void chownToPostgres(Path p) throws Exception {
        if (Env.run("chown", "-R", "postgres:postgres", p.toString()) != 0) throw new IOException("chown postgres " + p + " failed");
    }

    private void run(List<String> argv) throws Exception {
        List<String> cmd = new ArrayList<>();
        // as root: run it as the postgres account (runuser is in util-linux, on every Debian)
        if (asRoot()) cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
        cmd.addAll(argv);
        Path out = dir.resolve("cmd.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile())).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) { p.destroyForcibly(); throw new IOException("timed out: " + argv); }
        if (p.exitValue() != 0) throw new IOException(argv.get(0) + " failed (" + p.exitValue() + "):\n" + Files.readString(out)
                + (Files.exists(dir.resolve("server.log")) ? Files.readString(dir.resolve("server.log")) : ""));
    }

    /** A new empty database; returns the [database] url for it. */
    public String newDatabase() throws Exception {
        String name = "hk" + ProcessHandle.current().pid() + "_" + databases.incrementAndGet();
        try (Connection c = connect("postgres"); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        }
        return "postgresql://" + USER + "@127.0.0.1:" + port + "/" + name;
    }

    /** A JDBC connection to one of its databases (for tests that look at rows). */
    public Connection connect(String database) throws Exception {
        Properties p = new Properties();
        p.setProperty("user", USER);
        p.setProperty("password", password);
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, p);
    }

    /** The database name of a url made by {@link #newDatabase()}. */
    public static String databaseOf(String url) { return url.substring(url.lastIndexOf('/') + 1); }

    void stop() {
        try {
            run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop"));
        } catch (Exception ignored) {
            // the JVM is exiting; the directory goes below either way
        }
        try (var s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) { }
    }
}
