package org.fusioncds.bench;

import com.fasterxml.jackson.databind.JsonNode;
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

/**
 * The cached path under load: {@code calls} hook calls for patients whose result exists, made by a
 * fixed pool of {@code callers} threads over loopback. Every request of a level is made (the EHR's
 * JWT signed, the body written) before the level's clock starts: an EHR does that on its own
 * machine, so here it must not take the service's cores during the level. Only answers that are 200
 * and say "the model was not run again" count as latencies; everything else is counted by kind. The
 * same harness times the floor: plain FHIR reads ({@code GET Patient/id}) of the same server at the
 * same concurrency.
 */
final class CachedLoad {

  /** One kind of call: made for a patient before the level, then timed within it. */
  interface Call {
    Timed prepare(String patient) throws Exception;
  }

  /** One call made and not yet sent: its latency in ms once sent, or the kind of failure. */
  interface Timed {
    double millis() throws Exception;
  }

  /** A call that failed in a way worth counting by kind. */
  static final class Failed extends Exception {
    Failed(String kind) {
      super(kind, null, false, false);
    }
  }

  /**
   * One level: latencies of good answers, wall time of the whole level, errors by kind, and the
   * time after it until the service's audit backlog was shipped ({@code shippedSeconds}; 0 for the
   * plain reads, which the service does not see).
   */
  record Level(
      int callers,
      int calls,
      Stats latency,
      double wallSeconds,
      Map<String, Integer> errors,
      double shippedSeconds) {

    Level(int callers, int calls, Stats latency, double wallSeconds, Map<String, Integer> errors) {
      this(callers, calls, latency, wallSeconds, errors, 0);
    }

    int good() {
      return latency.count();
    }

    double callsPerSecond() {
      return calls / wallSeconds;
    }

    /** Calls per second until their AuditEvents were in the audit repository too. */
    double callsPerSecondShipped() {
      return calls / (wallSeconds + shippedSeconds);
    }

    Level shipped(double seconds) {
      return new Level(callers, calls, latency, wallSeconds, errors, seconds);
    }
  }

  private final Call call;
  private final List<String> patients;

  CachedLoad(Call call, List<String> patients) {
    this.call = call;
    this.patients = List.copyOf(patients);
  }

  /** Cached hook answers: 200 and the card says the model was not run again. */
  static Call cachedHooks(HookClient client) {
    return cachedHooks(client, Map.of());
  }

  /** The same, each call carrying the patient's prefetch (as an EHR that prefetches sends it). */
  static Call cachedHooks(HookClient client, Map<String, JsonNode> prefetch) {
    return patient -> {
      java.net.http.HttpRequest request = client.request(patient, prefetch.get(patient));
      return () -> {
        HookClient.Answer a = client.send(request);
        if (a.status() != 200) {
          throw new Failed("HTTP " + a.status() + " " + code(a.body()));
        }
        if (!a.cached()) {
          throw new Failed("200 but not the cached answer");
        }
        return a.millis();
      };
    };
  }

  /** Plain FHIR reads of the patient, JSON, over the same kind of HTTP/1.1 client. */
  static Call plainReads(String fhirBase) {
    java.net.http.HttpClient http =
        java.net.http.HttpClient.newBuilder()
            .version(java.net.http.HttpClient.Version.HTTP_1_1)
            .build();
    return patient -> {
      java.net.http.HttpRequest request =
          java.net.http.HttpRequest.newBuilder(
                  java.net.URI.create(fhirBase + "/Patient/" + patient))
              .header("Accept", "application/fhir+json")
              .timeout(java.time.Duration.ofSeconds(60))
              .build();
      return () -> {
        long t0 = System.nanoTime();
        java.net.http.HttpResponse<byte[]> r =
            http.send(request, java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        double ms = (System.nanoTime() - t0) / 1e6;
        if (r.statusCode() != 200) {
          throw new Failed("HTTP " + r.statusCode());
        }
        return ms;
      };
    };
  }

  Level run(int callers, int calls) throws Exception {
    List<Double> ms = Collections.synchronizedList(new ArrayList<>());
    Map<String, Integer> errors = new ConcurrentHashMap<>();
    List<Timed> made = new ArrayList<>(calls);
    for (int i = 0; i < calls; i++) {
      made.add(call.prepare(patients.get(i % patients.size())));
    }
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    List<Future<?>> done = new ArrayList<>();
    long t0 = System.nanoTime();
    for (Timed t : made) {
      done.add(pool.submit(() -> one(t, ms, errors)));
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

  private void one(Timed timed, List<Double> ms, Map<String, Integer> errors) {
    try {
      ms.add(timed.millis());
    } catch (Failed e) {
      errors.merge(e.getMessage(), 1, Integer::sum);
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
