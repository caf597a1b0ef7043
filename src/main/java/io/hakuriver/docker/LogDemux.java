package io.hakuriver.docker;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Splits the Engine API's multiplexed log stream (containers without a TTY) into stdout and stderr. Each frame is
 * an 8-byte header {stream, 0, 0, 0, size as big-endian uint32} followed by {@code size} bytes; stream 1 is stdout
 * and 2 is stderr.
 */
public final class LogDemux {
    private LogDemux() {}

    /** Copies frames until the stream ends; returns the number of payload bytes copied. */
    public static long copy(InputStream in, OutputStream stdout, OutputStream stderr) throws IOException {
        DataInputStream d = new DataInputStream(in);
        byte[] header = new byte[8];
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        while (true) {
            int first = d.read();
            if (first == -1) return total;
            header[0] = (byte) first;
            try { d.readFully(header, 1, 7); } catch (EOFException e) { return total; }
            long size = ((header[4] & 0xffL) << 24) | ((header[5] & 0xffL) << 16) | ((header[6] & 0xffL) << 8) | (header[7] & 0xffL);
            OutputStream target = header[0] == 2 ? stderr : stdout;
            while (size > 0) {
                int n = d.read(buf, 0, (int) Math.min(buf.length, size));
                if (n == -1) { target.flush(); return total; }
                target.write(buf, 0, n);
                size -= n;
                total += n;
            }
            target.flush();
        }
    }
}
