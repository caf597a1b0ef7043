// Periodic refresh. A poll never overlaps the previous one (the next run is scheduled when the last one has
// finished), pauses while the tab is hidden, and can be triggered at once after a user action.

export class Poller {
  /**
   * @param {() => Promise<void>} fn the refresh; errors are passed to onError and do not stop polling
   * @param {number} intervalMs pause between the end of one run and the start of the next
   * @param {(e: Error) => void} onError
   */
  constructor(fn, intervalMs, onError = (e) => console.warn(e)) {
    this.fn = fn;
    this.intervalMs = intervalMs;
    this.onError = onError;
    this.timer = null;
    this.running = false;
    this.stopped = false;
    this.again = false;
    this.onVisible = () => { if (!document.hidden) this.now(); };
    document.addEventListener('visibilitychange', this.onVisible);
  }

  start() { this.now(); return this; }

  /** Runs now (or right after the run in progress) and then continues on the interval. */
  async now() {
    if (this.stopped) return;
    if (this.running) { this.again = true; return; }
    clearTimeout(this.timer);
    this.running = true;
    try {
      await this.fn();
    } catch (e) {
      this.onError(e);
    } finally {
      this.running = false;
    }
    if (this.stopped) return;
    if (this.again) { this.again = false; this.now(); return; }
    this.timer = setTimeout(() => { if (!document.hidden) this.now(); }, this.intervalMs);
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    document.removeEventListener('visibilitychange', this.onVisible);
  }
}
