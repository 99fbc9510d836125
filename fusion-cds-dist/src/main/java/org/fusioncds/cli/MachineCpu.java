package org.fusioncds.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The machine's CPU counters ({@code /proc/stat}, first line: jiffies spent in each state by all
 * cores together), to tell how busy the machine was between two readings. Empty where there is no
 * {@code /proc} (then {@link #busy} is NaN).
 */
final class MachineCpu {

  private MachineCpu() {}

  /** {@code [busy, total]} jiffies since boot; {@code [0, 0]} when not readable. */
  static long[] read() {
    try {
      String first = Files.readAllLines(Path.of("/proc/stat")).get(0);
      return parse(first);
    } catch (IOException | RuntimeException e) {
      return new long[] {0, 0};
    }
  }

  /**
   * {@code cpu user nice system idle iowait irq softirq steal …}: idle and iowait are not busy; the
   * guest columns are already counted in user.
   */
  static long[] parse(String cpuLine) {
    String[] f = cpuLine.trim().split("\\s+");
    if (!"cpu".equals(f[0]) || f.length < 5) {
      throw new IllegalArgumentException("not the cpu line of /proc/stat — " + f[0]);
    }
    long total = 0;
    long idle = 0;
    for (int i = 1; i < Math.min(f.length, 9); i++) {
      long v = Long.parseLong(f[i]);
      total += v;
      if (i == 4 || i == 5) {
        idle += v;
      }
    }
    return new long[] {total - idle, total};
  }

  /** The share of all cores busy between two readings, 0–1; NaN when unknown. */
  static double busy(long[] before, long[] after) {
    long total = after[1] - before[1];
    return total <= 0 ? Double.NaN : (after[0] - before[0]) / (double) total;
  }
}
