package io.hakuriver.runner;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.hakuriver.api.WireJson;
import io.hakuriver.api.WireReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Runner's tasks, kept on disk so that a restarted Runner finds its still running tasks again through the
 * backend handles. Each change appends one JSON line to {@code tasks.journal} (a burst costs one small write per
 * change, not a rewrite of the table); the journal is rewritten with only the live tasks at start-up and whenever
 * it has grown to several times the table. A last line torn by kill -9 is ignored. The earlier format
 * ({@code tasks.json}, the whole table as one array) is read once and replaced.
 */
public final class TaskTable implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TaskTable.class);
    /** Compact when the journal holds this many lines per live task... */
    static final int COMPACT_FACTOR = 4;
    /** ...counting at least this many live tasks, so a nearly empty table is not rewritten every few changes. */
    static final int COMPACT_MIN_LIVE = 256;

    /**
     * STARTING: accepted, waiting in the start queue (never started: after a crash the Host may queue it again);
     * SPAWNING: a start thread is creating its process (after a crash it may or may not exist); then RUNNING/PAUSED.
     */
    public enum State { STARTING, SPAWNING, RUNNING, PAUSED }

    /** One tracked task. handle/backend are null while STARTING. */
    public record Entry(long taskId, String backend, String handle, State state, String startedAt) {
        Entry with(State s) { return new Entry(taskId, backend, handle, s, startedAt); }
    }

    /** One journal line: put (a whole entry), state (a new state), remove. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Change(String op, Long taskId, State state, Entry entry) {
        static Change put(Entry e) { return new Change("put", null, null, e); }
        static Change state(long id, State s) { return new Change("state", id, s, null); }
        static Change remove(long id) { return new Change("remove", id, null, null); }
    }

    private static final WireReader<Change> CHANGE = WireReader.of(Change.class);
    private static final WireReader<Entry> ENTRY = WireReader.of(Entry.class);

    private final Path journal;
    private final Path legacy;
    private final Map<Long, Entry> entries = new LinkedHashMap<>();
    private FileChannel out;
    private long lines;

    public TaskTable(Path stateDir) throws IOException {
        Files.createDirectories(stateDir);
        this.journal = stateDir.resolve("tasks.journal");
        this.legacy = stateDir.resolve("tasks.json");
        if (Files.exists(journal)) replay();
        else if (Files.exists(legacy)) readLegacy();
        compact();
        Files.deleteIfExists(legacy); // only now: the journal holds what it held
    }

    public synchronized List<Entry> all() { return new ArrayList<>(entries.values()); }
    public synchronized Entry get(long id) { return entries.get(id); }
    public synchronized boolean contains(long id) { return entries.containsKey(id); }
    public synchronized int size() { return entries.size(); }

    public synchronized void put(Entry e) { entries.put(e.taskId(), e); append(Change.put(e)); }

    /** Adds e unless its task is already tracked; false (and nothing changed) when it is. */
    public synchronized boolean add(Entry e) {
        if (entries.containsKey(e.taskId())) return false;
        put(e);
        return true;
    }

    public synchronized void setState(long id, State s) {
        Entry e = entries.get(id);
        if (e != null) { entries.put(id, e.with(s)); append(Change.state(id, s)); }
    }

    public synchronized Entry remove(long id) {
        Entry e = entries.remove(id);
        if (e != null) append(Change.remove(id));
        return e;
    }

    public synchronized List<Long> ids(State... states) {
        List<Long> out = new ArrayList<>();
        for (Entry e : entries.values()) for (State s : states) if (e.state() == s) { out.add(e.taskId()); break; }
        return out;
    }

    /** Lines in the journal now (for tests of compaction). */
    synchronized long journalLines() { return lines; }

    private void append(Change c) {
        if (out == null) return; // closed: the Runner is exiting, the next one re-reads the journal and its tasks
        try {
            ByteBuffer line = line(c);
            while (line.hasRemaining()) out.write(line); // one write() for a line this small: kill -9 cannot split it
            lines++;
        } catch (IOException e) {
            log.error("cannot append to runner state {}: {}", journal, e.toString());
        }
        if (lines > (long) COMPACT_FACTOR * Math.max(entries.size(), COMPACT_MIN_LIVE)) compactLogged();
    }

    private static ByteBuffer line(Change c) {
        byte[] json = WireJson.bytes(c);
        ByteBuffer b = ByteBuffer.allocate(json.length + 1).put(json).put((byte) '\n');
        return b.flip();
    }

    private void compactLogged() {
        try { compact(); } catch (IOException e) { log.error("cannot compact runner state {}: {}", journal, e.toString()); }
    }

    /** Rewrites the journal as one put per live task (to a temporary file, then an atomic rename). */
    private void compact() throws IOException {
        Path tmp = journal.resolveSibling("tasks.journal.tmp");
        Files.deleteIfExists(tmp);
        // owner-only: the state dir is traversable by task accounts (their exit files live below it)
        try (FileChannel ch = FileChannel.open(tmp, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
             OutputStream os = java.nio.channels.Channels.newOutputStream(ch)) {
            for (Entry e : entries.values()) os.write(line(Change.put(e)).array());
            os.flush();
            ch.force(true); // the rename below must not publish an empty file after a power cut
        }
        try { Files.move(tmp, journal, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING); }
        catch (AtomicMoveNotSupportedException e) { Files.move(tmp, journal, StandardCopyOption.REPLACE_EXISTING); }
        if (out != null) out.close();
        out = FileChannel.open(journal, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        lines = entries.size();
    }

    private void replay() throws IOException {
        List<String> bad = new ArrayList<>();
        long n = 0;
        try (BufferedReader r = Files.newBufferedReader(journal)) {
            String l;
            while ((l = r.readLine()) != null) {
                n++;
                if (l.isBlank()) continue;
                if (!bad.isEmpty()) { // a bad line followed by more lines is damage, not a torn end
                    log.error("runner state {}: line {} is unreadable and was skipped: {}", journal, n - 1, bad.get(0));
                    bad.clear();
                }
                try { apply(CHANGE.read(l.getBytes(java.nio.charset.StandardCharsets.UTF_8))); }
                catch (RuntimeException e) { bad.add(abbreviate(l)); }
            }
        }
        if (!bad.isEmpty()) log.warn("runner state {}: ignoring its torn last line (the Runner was stopped while writing it): {}", journal, bad.get(0));
    }

    private void apply(Change c) {
        switch (c.op()) {
            case "put" -> entries.put(c.entry().taskId(), c.entry());
            case "state" -> { Entry e = entries.get(c.taskId()); if (e != null) entries.put(c.taskId(), e.with(c.state())); }
            case "remove" -> entries.remove(c.taskId());
            default -> throw new IllegalArgumentException("unknown op " + c.op());
        }
    }

    private void readLegacy() {
        try {
            if (!(WireJson.parse(Files.readString(legacy)) instanceof List<?> list)) throw new IOException("not a list of tasks");
            for (Object o : list) { Entry e = ENTRY.read(o); entries.put(e.taskId(), e); }
            log.info("Converted runner state {} ({} tasks) to the journal {}", legacy, entries.size(), journal);
        } catch (Exception e) {
            log.error("state file {} is unreadable ({}); starting with an empty task table", legacy, e.toString());
        }
    }

    private static String abbreviate(String s) { return s.length() <= 120 ? s : s.substring(0, 120) + "…"; }

    @Override public synchronized void close() {
        if (out == null) return;
        try { out.close(); } catch (IOException e) { log.warn("closing runner state {}: {}", journal, e.toString()); }
        out = null;
    }
}
