package io.hakuriver.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The fake nvidia-smi of src/test/resources/gpu, installed in a directory of its own with the GPUs it reports
 * ({@code gpus.csv}, lines as the real tool prints them). {@link #fail()} makes it fail like a node whose driver
 * is not loaded. Hardware this machine lacks is the only thing faked: the Runner runs it as the real one.
 */
public final class FakeNvidiaSmi {
    public final Path dir;
    public final Path executable;

    private FakeNvidiaSmi(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.executable = dir.resolve("nvidia-smi");
        try (InputStream in = FakeNvidiaSmi.class.getResourceAsStream("/gpu/nvidia-smi")) {
            if (in == null) throw new IOException("test resource /gpu/nvidia-smi missing");
            Files.copy(in, executable, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Files.setPosixFilePermissions(executable, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** A fake reporting {@code n} GPUs "Fake GPU <i>", 81920 MiB each, with UUIDs GPU-fake-<tag>-<i>. */
    public static FakeNvidiaSmi withGpus(Path dir, String tag, int n) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(i).append(", GPU-fake-").append(tag).append('-').append(i).append(", Fake GPU ").append(i)
              .append(", 81920, ").append(1000 + i).append(", ").append(10 * i).append(", ").append(40 + i).append(", 71.5\n");
        }
        return withLines(dir, sb.toString());
    }

    public static FakeNvidiaSmi withLines(Path dir, String csv) throws IOException {
        FakeNvidiaSmi f = new FakeNvidiaSmi(dir);
        Files.writeString(f.dir.resolve("gpus.csv"), csv);
        return f;
    }

    public FakeNvidiaSmi fail() throws IOException { Files.writeString(dir.resolve("fail"), ""); return this; }

    public FakeNvidiaSmi slow(int seconds) throws IOException { Files.writeString(dir.resolve("slow"), Integer.toString(seconds)); return this; }

    /** The Runner config lines that use this fake. */
    public String toml(int sharesPerGpu) {
        return "[gpu]\nnvidia_smi = \"" + executable + "\"\nshares_per_gpu = " + sharesPerGpu + "\n";
    }
}
