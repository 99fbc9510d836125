package org.fusioncds.observe;

import java.net.URI;
import java.util.Map;
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

  /** Counts one answer of the server {@code uri} names (only its host and port are kept). */
  public void answered(String target, URI uri, int status) {
    Key key = new Key(target, server(uri), status);
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

  /** {@code host:port} of a URL, the scheme's default port when it names none. */
  static String server(URI uri) {
    int port =
        uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    return uri.getHost() + ":" + port;
  }

  /** Calls {@code listener} for every key seen so far and for each new one from now on. */
  void onNewKey(Consumer<Key> listener) {
    onNewKey = listener;
    counts.keySet().forEach(listener);
  }
}
