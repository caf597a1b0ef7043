package io.hakuriver.hakurun;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * Copies a child's output stream line by line into a shared sink, each line preceded by a label such as
 * {@code [3/12] }. A whole line is written under the sink's lock, so lines of concurrent children never mix
 * inside a line. Works on bytes: whatever encoding the child writes is passed through unchanged.
 */
final class LinePrefixer implements Runnable {
    /** A line longer than this is cut, so a child that never writes a newline cannot grow memory without bound. */
    static final int MAX_LINE = 64 * 1024;

    private final InputStream in;
    private final OutputStream sink;
    private final byte[] prefix;

    LinePrefixer(InputStream in, OutputStream sink, String prefix) {
        this.in = in;
        this.sink = sink;
        this.prefix = prefix.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override public void run() {
        byte[] buf = new byte[8192];
        byte[] line = new byte[MAX_LINE];
        int len = 0;
        try (in) {
            int n;
            while ((n = in.read(buf)) > 0) {
                for (int i = 0; i < n; i++) {
                    byte b = buf[i];
                    if (b == '\n') {
                        emit(line, len);
                        len = 0;
                    } else {
                        if (len == MAX_LINE) {
                            emit(line, len);
                            len = 0;
                        }
                        line[len++] = b;
                    }
                }
            }
            if (len > 0) emit(line, len);
        } catch (IOException e) {
            // The child's pipe broke (it was killed): what was read has been written; nothing else to do.
        }
    }

    private void emit(byte[] line, int len) {
        synchronized (sink) {
            try {
                sink.write(prefix);
                sink.write(line, 0, len);
                sink.write('\n');
                sink.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
