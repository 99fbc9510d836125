package org.fusioncds.bench;

import java.net.http.HttpTimeoutException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The cached path under load: {@code calls} hook calls for patients whose result exists, made by a
 * fixed pool of {@code callers} threads over loopback. Only answers that are 200 and say "the model
 * was not run again" count as latencies; everything else is counted by kind.
 */
final class CachedLoad {

  /** One level: latencies of good answers, wall time of the whole level, errors by kind. */
  record Level(
      int callers, int calls, Stats latency, double wallSeconds, Map<String, Integer> errors) {

    int good() {
      return latency.count();
    }

    double callsPerSecond() {
      return calls / wallSeconds;
    }
  }

  private final HookClient client;
  private final List<String> patients;

  CachedLoad(HookClient client, List<String> patients) {
    this.client = client;
    this.patients = List.copyOf(patients);
  }

  Level run(int callers, int calls) throws InterruptedException {
    List<Double> ms = Collections.synchronizedList(new ArrayList<>());
    Map<String, Integer> errors = new ConcurrentHashMap<>();
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    List<Future<?>> done = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int i = 0; i < calls; i++) {
      done.add(
          pool.submit(
              () -> one(patients.get(next.getAndIncrement() % patients.size()), ms, errors)));
    }
    for (Future<?> f : done) {
      try {
        f.get();
      } catch (java.util.concurrent.ExecutionException e) {
        errors.merge("harness: " + e.getCause(), 1, Integer::sum);
      }
    }
    double wall = (System.nanoTime() - t0) / 1e9;
    pool.shutdown();
    return new Level(callers, calls, new Stats(ms), wall, new TreeMap<>(errors));
  }

  private void one(String patient, List<Double> ms, Map<String, Integer> errors) {
    try {
      HookClient.Answer a = client.call(patient);
      if (a.status() != 200) {
        errors.merge("HTTP " + a.status() + " " + code(a.body()), 1, Integer::sum);
      } else if (!a.cached()) {
        errors.merge("200 but not the cached answer", 1, Integer::sum);
      } else {
        ms.add(a.millis());
      }
    } catch (HttpTimeoutException e) {
      errors.merge("timeout", 1, Integer::sum);
    } catch (Exception e) {
      errors.merge(e.getClass().getSimpleName() + ": " + e.getMessage(), 1, Integer::sum);
    }
  }

  /** The FCDS code an error answer carries, if any. */
  private static String code(String body) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("FCDS-\\d+").matcher(body);
    return m.find() ? m.group() : "";
  }
}
