package io.hakuriver.host;

import io.hakuriver.http.ApiException;
import io.hakuriver.store.TaskRecord;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * GET /task/{id}/stdout|stderr. The file is located from the Host's own shared dir and the numeric task id only
 * (never from a stored or requested path), and streamed rather than loaded into memory. ?offset=N returns the
 * bytes from N on (for following a running task); X-Next-Offset tells where to continue.
 */
final class LogApi {
    private final HostCore core;

    LogApi(HostCore core) { this.core = core; }

    void register(RouteRegistry r) {
        r.get("/task/{task_id}/stdout", ctx -> serve(ctx, true));
        r.get("/task/{task_id}/stderr", ctx -> serve(ctx, false));
    }

    private void serve(Context ctx, boolean out) throws IOException {
        long id = TaskApi.idParam(ctx, "task_id");
        TaskRecord t = core.task(id);
        if (t == null) throw ApiException.notFound(out ? "Task not found" : "Task entry not found");
        Path dir = out ? core.config().taskOutputsDir() : core.config().taskErrorsDir();
        String attempt = ctx.queryParam("attempt");
        String name = String.valueOf(id);
        if (attempt != null && !attempt.isBlank()) {
            // an earlier attempt of a retried task; the current one is the plain file (numbers only: no path from a request)
            int n;
            try { n = Integer.parseInt(attempt); if (n < 1) throw new NumberFormatException(); }
            catch (NumberFormatException e) { throw ApiException.badRequest("attempt must be a positive integer"); }
            if (n < t.attempt) name = id + ".attempt-" + n;
            else if (n > t.attempt) throw ApiException.notFound("Task " + id + " has no attempt " + n + " (it is at attempt " + t.attempt + ")");
        }
        Path file = dir.resolve(name + (out ? ".out" : ".err")).normalize();
        if (!file.startsWith(dir)) throw ApiException.notFound((out ? "Standard output" : "Standard error") + " path not found or invalid for this task.");
        long offset = 0;
        String off = ctx.queryParam("offset");
        if (off != null) {
            try { offset = Long.parseLong(off); if (offset < 0) throw new NumberFormatException(); }
            catch (NumberFormatException e) { throw ApiException.badRequest("offset must be a non-negative integer"); }
        }
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw ApiException.notFound((out ? "Standard output" : "Standard error") + " file not found (might not be generated yet).");
        } catch (IOException e) {
            throw new ApiException(500, "Error reading " + (out ? "standard output" : "standard error") + " file: " + e.getMessage());
        }
        long size = ch.size();
        long start = Math.min(offset, size);
        ch.position(start);
        InputStream in = new BoundedInput(Channels.newInputStream(ch), size - start);
        ctx.header("X-Next-Offset", String.valueOf(size));
        ctx.contentType("text/plain; charset=utf-8");
        ctx.result(in);
    }

    /** Stops at the size seen when the request started, so a growing log gives a consistent X-Next-Offset. */
    private static final class BoundedInput extends InputStream {
        private final InputStream in;
        private long left;
        BoundedInput(InputStream in, long left) { this.in = in; this.left = left; }
        @Override public int read() throws IOException { if (left <= 0) return -1; int b = in.read(); if (b >= 0) left--; return b; }
        @Override public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) return -1;
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n > 0) left -= n;
            return n;
        }
        @Override public void close() throws IOException { in.close(); }
    }

}
