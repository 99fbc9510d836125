package org.fusioncds.observe;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Outbound HTTP answers by target kind ({@code fhir}, {@code dicomweb}), server ({@code host:port},
 * never a path or query: those can name a patient) and status. The clients report each answer;
 * {@link ServiceMetrics} turns every key into a counter as soon as it is first seen.
 */
public final class OutboundCalls {

  /** What an answer is counted by. */
  public record Key(String target, String server, int status) {}

  private final Map<Key, LongAdder> counts = new ConcurrentHashMap<>();
  private volatile Consumer<Key> onNewKey = k -> {};

  /** Counts one answer. */
  public void answered(String target, String server, int status) {
    Key key = new Key(target, server, status);
    LongAdder count = counts.get(key);
    if (count == null) {
      LongAdder fresh = new LongAdder();
      count = counts.putIfAbsent(key, fresh);
      if (count == null) {
        count = fresh;
        onNewKey.accept(key);
      }
    }
    count.increment();
  }

  /** Answers counted under {@code key} so far. */
  public long count(Key key) {
    LongAdder c = counts.get(key);
    return c == null ? 0 : c.sum();
  }

  /** Every key so far with its count, sorted (for tests and the status page). */
  public Map<String, Long> snapshot() {
    Map<String, Long> out = new TreeMap<>();
    counts.forEach((k, v) -> out.put(k.target() + " " + k.server() + " " + k.status(), v.sum()));
    return out;
  }

  /** Calls {@code listener} for every key seen so far and for each new one from now on. */
  void onNewKey(Consumer<Key> listener) {
    onNewKey = listener;
    counts.keySet().forEach(listener);
  }
}
