package io.hakuriver.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Task states of the wire protocol; on the wire (and in JSON everywhere) as the original's lower-case words. */
public enum TaskStatus {
    PENDING, ASSIGNING, RUNNING, PAUSED, COMPLETED, FAILED, KILLED, LOST, KILLED_OOM;

    public static final Set<TaskStatus> FINAL = EnumSet.of(COMPLETED, FAILED, KILLED, LOST, KILLED_OOM);
    /** States in which a task holds its cores and memory on its node. */
    public static final Set<TaskStatus> HOLDS_RESOURCES = EnumSet.of(ASSIGNING, RUNNING, PAUSED);
    /** The words of the wire, in order: "pending", …, "killed_oom". */
    public static final List<String> WIRE_VALUES = Arrays.stream(values()).map(TaskStatus::wire).toList();

    private final String wire = name().toLowerCase(Locale.ROOT);

    @JsonValue public String wire() { return wire; }

    public boolean isFinal() { return FINAL.contains(this); }

    public static TaskStatus parse(String s) {
        if (s == null) throw new IllegalArgumentException("status is missing");
        try { return valueOf(s.trim().toUpperCase(Locale.ROOT)); }
        catch (IllegalArgumentException e) { throw new IllegalArgumentException("unknown task status '" + s + "'"); }
    }

    /** A status word of a wire body; an unknown one is a 422 that lists the known ones. */
    @JsonCreator public static TaskStatus fromWire(String s) {
        try {
            return parse(s);
        } catch (IllegalArgumentException e) {
            throw InvalidBody.of("", "Input should be one of " + String.join(", ", WIRE_VALUES) + " (got '" + s + "')", "enum");
        }
    }
}
