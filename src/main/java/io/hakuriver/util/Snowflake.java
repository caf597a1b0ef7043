package io.hakuriver.util;

/**
 * Task ids with the original's layout: bits 22-62 milliseconds since the Unix epoch, bits 12-21 instance id,
 * bits 0-11 a per-millisecond sequence. Sequence exhaustion waits for the next millisecond; a clock that goes
 * backwards keeps issuing from the last timestamp, so ids never repeat and stay ordered.
 */
public final class Snowflake {
    private final long instance;
    private long lastMillis = -1;
    private long sequence;

    public Snowflake(int instance) {
        if (instance < 0 || instance > 1023) throw new IllegalArgumentException("instance id must be 0..1023");
        this.instance = instance;
    }

    public synchronized long next() {
        long now = System.currentTimeMillis();
        if (now < lastMillis) now = lastMillis; // clock regression: never go back
        if (now == lastMillis) {
            sequence = (sequence + 1) & 0xFFF;
            if (sequence == 0) {
                now = lastMillis + 1; // borrow the next millisecond rather than spin
            }
        } else {
            sequence = 0;
        }
        lastMillis = now;
        return (now << 22) | (instance << 12) | sequence;
    }

    /** Makes sure later ids are greater than {@code id} (after a restart with a clock behind the stored ids). */
    public synchronized void advancePast(long id) {
        long millis = id >>> 22;
        if (millis > lastMillis) { lastMillis = millis; sequence = id & 0xFFF; }
        else if (millis == lastMillis) { sequence = Math.max(sequence, id & 0xFFF); }
    }
}
