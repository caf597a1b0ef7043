package io.hakuriver.runner;

import com.fasterxml.jackson.core.type.TypeReference;
import io.hakuriver.util.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Runner's tasks, kept on disk (tasks.json, rewritten atomically) so that a restarted Runner finds its still
 * running tasks again through the backend handles.
 */
public final class TaskTable {
    private static final Logger log = LoggerFactory.getLogger(TaskTable.class);

    public enum State { STARTING, RUNNING, PAUSED }

    /** One tracked task. handle/backend are null while STARTING. */
    public record Entry(long taskId, String backend, String handle, State state, String startedAt) {
        Entry with(State s) { return new Entry(taskId, backend, handle, s, startedAt); }
    }

    private final Path file;
    private final Map<Long, Entry> entries = new LinkedHashMap<>();

    public TaskTable(Path stateDir) throws IOException {
        Files.createDirectories(stateDir);
        this.file = stateDir.resolve("tasks.json");
        if (Files.exists(file)) {
            try {
                List<Entry> list = Json.MAPPER.readValue(Files.readString(file), new TypeReference<List<Entry>>() {});
                for (Entry e : list) entries.put(e.taskId(), e);
            } catch (Exception e) {
                log.error("state file {} is unreadable ({}); starting with an empty task table", file, e.toString());
            }
        }
    }

    public synchronized List<Entry> all() { return new ArrayList<>(entries.values()); }
    public synchronized Entry get(long id) { return entries.get(id); }
    public synchronized boolean contains(long id) { return entries.containsKey(id); }

    public synchronized void put(Entry e) { entries.put(e.taskId(), e); persist(); }

    public synchronized void setState(long id, State s) {
        Entry e = entries.get(id);
        if (e != null) { entries.put(id, e.with(s)); persist(); }
    }

    public synchronized Entry remove(long id) {
        Entry e = entries.remove(id);
        if (e != null) persist();
        return e;
    }

    public synchronized List<Long> ids(State... states) {
        List<Long> out = new ArrayList<>();
        for (Entry e : entries.values()) for (State s : states) if (e.state() == s) { out.add(e.taskId()); break; }
        return out;
    }

    private void persist() {
        Path tmp = file.resolveSibling("tasks.json.tmp");
        try {
            Files.write(tmp, Json.bytes(new ArrayList<>(entries.values())));
            try { Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING); }
            catch (AtomicMoveNotSupportedException e) { Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING); }
        } catch (IOException e) {
            log.error("cannot write runner state {}: {}", file, e.toString());
        }
    }
}
