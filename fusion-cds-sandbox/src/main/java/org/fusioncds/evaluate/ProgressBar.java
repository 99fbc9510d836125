package org.fusioncds.evaluate;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A progress line on stderr: {@code evaluate 347/1000 [#######.............] 34.7% 12.3 patients/s
 * ETA 53 s}. On a terminal the line is redrawn in place (carriage return, at most every 100 ms,
 * newline on close); otherwise one line is printed each time another tenth is done. {@link #step()}
 * may be called from any thread.
 */
public final class ProgressBar implements AutoCloseable {

  private static final int BAR_WIDTH = 20;
  private static final long REDRAW_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final String label;
  private final String unit;
  private final long total;
  private final PrintStream out;
  private final boolean terminal;
  private final LongSupplier clock;
  private final long started;
  private final AtomicLong done = new AtomicLong();
  private long lastDrawn = Long.MIN_VALUE;
  private long lastTenth;
  private boolean closed;

  /** A bar on stderr, redrawn in place when stderr is a terminal. */
  public ProgressBar(String label, long total, String unit) {
    this(label, total, unit, System.err, System.console() != null, System::nanoTime);
  }

  /** A bar on any stream, with the terminal decision and the clock given (for tests). */
  public ProgressBar(
      String label,
      long total,
      String unit,
      PrintStream out,
      boolean terminal,
      LongSupplier clock) {
    this.label = label;
    this.unit = unit;
    this.total = Math.max(total, 0);
    this.out = out;
    this.terminal = terminal;
    this.clock = clock;
    this.started = clock.getAsLong();
  }

  /** One more item done. */
  public void step() {
    long now = done.incrementAndGet();
    if (terminal) {
      long t = clock.getAsLong();
      synchronized (this) {
        if (!closed
            && (lastDrawn == Long.MIN_VALUE || t - lastDrawn >= REDRAW_NANOS || now == total)) {
          lastDrawn = t;
          out.print("\r" + line(now, t));
          out.flush();
        }
      }
    } else {
      long tenth = total == 0 ? 10 : now * 10 / total;
      synchronized (this) {
        if (!closed && tenth > lastTenth) {
          lastTenth = tenth;
          out.println(line(now, clock.getAsLong()));
        }
      }
    }
  }

  /** Items done so far. */
  public long done() {
    return done.get();
  }

  /** Draws the final state and ends the line. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    long now = done.get();
    if (terminal) {
      out.print("\r" + line(now, clock.getAsLong()) + System.lineSeparator());
    } else if (lastTenth < 10) {
      out.println(line(now, clock.getAsLong()));
    }
    out.flush();
  }

  /** The text of the line after {@code count} items at clock time {@code nanos}. */
  String line(long count, long nanos) {
    double fraction = total == 0 ? 1 : Math.min(1.0, (double) count / total);
    int filled = (int) Math.floor(fraction * BAR_WIDTH);
    String bar = "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled);
    double seconds = (nanos - started) / 1e9;
    double rate = seconds > 0 ? count / seconds : 0;
    String eta =
        rate > 0 ? String.format(Locale.ROOT, "%.0f s", Math.max(0, total - count) / rate) : "?";
    return String.format(
        Locale.ROOT,
        "%s  %d/%d  [%s]  %.1f%%  %.1f %s/s  ETA %s",
        label,
        count,
        total,
        bar,
        fraction * 100,
        rate,
        unit,
        eta);
  }
}
