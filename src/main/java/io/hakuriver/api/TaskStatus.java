package io.hakuriver.api;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** Task states of the wire protocol. */
public enum TaskStatus {
    PENDING, ASSIGNING, RUNNING, PAUSED, COMPLETED, FAILED, KILLED, LOST, KILLED_OOM;

    public static final Set<TaskStatus> FINAL = EnumSet.of(COMPLETED, FAILED, KILLED, LOST, KILLED_OOM);
    /** States in which a task holds its cores and memory on its node. */
    public static final Set<TaskStatus> HOLDS_RESOURCES = EnumSet.of(ASSIGNING, RUNNING, PAUSED);

    public String wire() { return name().toLowerCase(Locale.ROOT); }

    public boolean isFinal() { return FINAL.contains(this); }

    public static TaskStatus parse(String s) {
        if (s == null) throw new IllegalArgumentException("status is missing");
        try { return valueOf(s.trim().toUpperCase(Locale.ROOT)); }
        catch (IllegalArgumentException e) { throw new IllegalArgumentException("unknown task status '" + s + "'"); }
    }
}
