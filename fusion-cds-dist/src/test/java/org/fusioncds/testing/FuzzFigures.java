package org.fusioncds.testing;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** What a fuzz run saw: cases, statuses, codes, the slowest answer and its case. */
public final class FuzzFigures {

  /**
   * One seed for every fuzz property of the suite, so that CI is reproducible and a failure can be
   * replayed; {@code -Pfuzz} explores 10,000 cases from it (the first 1,000 are the suite's).
   * Change it to explore elsewhere.
   */
  public static final String SEED = "20261203";

  private final AtomicInteger cases = new AtomicInteger();
  private final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> codes = new ConcurrentHashMap<>();
  private final AtomicLong slowestMs = new AtomicLong();
  private volatile String slowestCase = "";

  /** Counts one answer: its status and how long it took. */
  public synchronized void answered(int status, long ms, Object theCase) {
    cases.incrementAndGet();
    statuses.computeIfAbsent(status, k -> new AtomicInteger()).incrementAndGet();
    if (ms > slowestMs.get()) {
      slowestMs.set(ms);
      slowestCase = String.valueOf(theCase);
    }
  }

  /** Counts one error code of an OperationOutcome. */
  public void coded(String code) {
    codes.computeIfAbsent(code, k -> new AtomicInteger()).incrementAndGet();
  }

  public String summary(String name) {
    return name
        + ": cases="
        + cases
        + " statuses="
        + new TreeMap<>(statuses)
        + " codes="
        + new TreeMap<>(codes)
        + " slowestMs="
        + slowestMs
        + " slowestCase="
        + slowestCase;
  }
}
