package io.hakuriver.hakurun.cluster;

import java.time.Duration;
import java.util.function.Supplier;

/** Polls a batch until every element is final, showing progress after each poll. */
public final class BatchWaiter {
    private final Supplier<BatchView> fetch;
    private final Duration interval;
    private final ProgressBar progress;

    public BatchWaiter(Supplier<BatchView> fetch, Duration interval, ProgressBar progress) {
        if (interval.isNegative() || interval.isZero()) throw new IllegalArgumentException("poll interval must be positive");
        this.fetch = fetch;
        this.interval = interval;
        this.progress = progress;
    }

    /** Returns the first view in which every element is final. A paused element keeps it waiting, as for tasks. */
    public BatchView await() throws InterruptedException {
        try {
            while (true) {
                BatchView view = fetch.get();
                progress.update(view);
                if (view.finished()) return view;
                Thread.sleep(interval.toMillis());
            }
        } finally {
            progress.finish();
        }
    }
}
