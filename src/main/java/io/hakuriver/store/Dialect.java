package io.hakuriver.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Every SQL difference between SQLite and PostgreSQL, in one place. Migrations and queries are written once, in the
 * subset both understand (SQLite spelling for types); this class translates the few spots where they differ.
 */
public enum Dialect {
    SQLITE, POSTGRESQL;

    private static final Pattern INTEGER = Pattern.compile("\\bINTEGER\\b");
    private static final Pattern REAL = Pattern.compile("\\bREAL\\b");

    /** The dialect of an open connection (listings get a reader connection, not the Database). */
    public static Dialect of(Connection c) {
        try {
            return c.getMetaData().getURL().startsWith("jdbc:postgresql:") ? POSTGRESQL : SQLITE;
        } catch (SQLException e) {
            throw new StoreException("reading the connection's kind", e);
        }
    }

    /**
     * A migration statement in this dialect. SQLite's INTEGER is 64-bit (task ids are 64-bit snowflakes): PostgreSQL
     * needs BIGINT for it; SQLite's REAL is a double, PostgreSQL's a float.
     */
    public String ddl(String sql) {
        if (this == SQLITE) return sql;
        String s = sql.replace("INTEGER PRIMARY KEY AUTOINCREMENT", "BIGSERIAL PRIMARY KEY");
        s = INTEGER.matcher(s).replaceAll("BIGINT");
        return REAL.matcher(s).replaceAll("DOUBLE PRECISION");
    }

    /** Whether a failed ALTER TABLE ADD COLUMN only met a column that exists already (a database of the original). */
    public boolean alreadyThere(SQLException e) {
        if (this == POSTGRESQL) return "42701".equals(e.getSQLState()) || "42P07".equals(e.getSQLState());
        return String.valueOf(e.getMessage()).contains("duplicate column");
    }

    /** INSERT that replaces the row with the same {@code key}: one statement in both dialects. */
    public String upsert(String table, String key, List<String> columns) {
        String cols = String.join(", ", columns);
        String marks = String.join(",", java.util.Collections.nCopies(columns.size(), "?"));
        if (this == SQLITE) return "INSERT OR REPLACE INTO " + table + " (" + cols + ") VALUES (" + marks + ")";
        StringBuilder set = new StringBuilder();
        for (String c : columns) {
            if (c.equals(key)) continue;
            if (set.length() > 0) set.append(", ");
            set.append(c).append(" = EXCLUDED.").append(c);
        }
        return "INSERT INTO " + table + " (" + cols + ") VALUES (" + marks + ") ON CONFLICT (" + key + ") DO UPDATE SET " + set;
    }

    /** SQLite needs a LIMIT before an OFFSET (-1 = none); PostgreSQL takes OFFSET alone. */
    public String offsetWithoutLimit() { return this == SQLITE ? " LIMIT -1" : ""; }

    /** Case-insensitive LIKE: SQLite's LIKE is, PostgreSQL's is not. */
    public String like() { return this == SQLITE ? "LIKE" : "ILIKE"; }

    /** Order of node rows as they were first registered: SQLite's rowid; PostgreSQL has none, so by name. */
    public String nodeOrder() { return this == SQLITE ? "rowid" : "hostname"; }
}
