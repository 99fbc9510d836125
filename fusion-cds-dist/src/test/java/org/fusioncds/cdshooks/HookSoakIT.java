package org.fusioncds.cdshooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.CacheControlDirective;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.fusioncds.app.FusionCdsApp;
import org.fusioncds.audit.AuditShipper;
import org.fusioncds.audit.AuditSpool;
import org.fusioncds.sandbox.FreePorts;
import org.fusioncds.sandbox.SandboxEhr;
import org.fusioncds.sandbox.SandboxServers;
import org.fusioncds.sandbox.SandboxSettings;
import org.fusioncds.sandbox.cohort.CohortGenerator;
import org.fusioncds.sandbox.cohort.CohortLoader;
import org.fusioncds.sandbox.cohort.VisitFrame;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;

/**
 * The soak: the real application on the sandbox servers (HAPI FHIR JPA, DICOMweb over a generated
 * cohort; the FHIR server is also the audit repository) under {@code soak.callers} concurrent
 * callers for {@code soak.seconds}, each call one of: a patient's first hook (the model runs), a
 * repeated hook (the stored result), an invalid body (400), a refused token (401). Asserts that
 * only those statuses come back; that heap after a full GC, live threads and open file descriptors
 * in the last window (a minute, or a third of a short run) are where they were in the window after
 * the warm-up window (the pools fill under load); that every AuditEvent reaches the repository, the
 * backlog left when the load stops draining within as long as the load lasted (at least 2 min). The
 * FHIR server keeps its database on disk, so the heap measured is the application's. {@code mvn
 * verify} runs 30 s at 10 callers; {@code -Psoak} 10 minutes at 20.
 */
class HookSoakIT {

  private static final int SECONDS = Integer.getInteger("soak.seconds", 30);

  /** Heap, threads and descriptors are judged flat only on runs at least this long (-Psoak). */
  private static final int FLATNESS_SECONDS = 180;

  private static final int CALLERS = Integer.getInteger("soak.callers", 10);
  private static final int COHORT = Integer.getInteger("soak.cohort", 16);

  /**
   * Whether this run judges flatness. Only then does each sample force a full collection: on the
   * short run a full GC every second of a heap the earlier tests filled (SerialGC, ~500 MB live)
   * slowed first hooks to ~30 s, past the FHIR client's 20 s read timeout.
   */
  private static final boolean JUDGES_FLATNESS = SECONDS >= FLATNESS_SECONDS;

  private static final long SAMPLE_MS =
      JUDGES_FLATNESS ? Math.max(1000, SECONDS * 1000L / 30) : 5000;
  private static final FhirContext FHIR = FhirContext.forR4Cached();

  /** What a call is, and the status it must get. */
  private enum Kind {
    FIRST(200),
    REPEATED(200),
    INVALID_BODY(400),
    REFUSED_TOKEN(401);

    final int expected;

    Kind(int expected) {
      this.expected = expected;
    }
  }

  /** One look at the process: heap used after a full GC, live threads, open descriptors. */
  private record Sample(long atMs, long heapMb, int threads, long fds) {}

  @Test
  void mixedCallsLeaveHeapThreadsAndDescriptorsFlatAndEveryAuditEventShipped() throws Exception {
    Path work = Files.createTempDirectory("fusion-cds-soak");
    Path cohort = work.resolve("cohort");
    CohortGenerator.generate(COHORT, 4242L, cohort, VisitFrame.dayBefore(Instant.now()));
    SandboxEhr ehr = SandboxEhr.start();
    try (ehr;
        // the FHIR server's database on disk: its data (every AuditEvent shipped, every search
        // kept) would otherwise grow the heap this test judges, which is the application's
        SandboxServers servers =
            SandboxServers.start(cohort.resolve("dicom"), work.resolve("fhir-db"))) {
      String fhirBase = servers.fhir().baseUrl();
      IGenericClient fhir = FHIR.newRestfulGenericClient(fhirBase);
      List<String> patients =
          CohortLoader.load(fhir, cohort).stream()
              .filter(p -> p.image() && p.labs())
              .map(CohortLoader.LoadedPatient::id)
              .toList();
      assertTrue(patients.size() >= 2, "cohort too small: " + patients.size());
      int port = FreePorts.find();
      Map<String, String> settings =
          SandboxSettings.forApp(
              port, ehr, work.resolve("service"), fhirBase, servers.dicomWeb().baseUrl());
      settings.put("dicomweb.base-url", servers.dicomWeb().baseUrl());
      settings.put("cds.time-budget-ms", "60000"); // every answer in the call: no background
      settings.put("report.organization", "Organization/fusion-cds-demo");
      try (FusionCdsApp app = FusionCdsApp.start(settings)) {
        String hook = "http://127.0.0.1:" + port + "/cds-services/imaging-fusion";
        Callers callers = new Callers(ehr, hook, fhirBase, patients);
        AuditShipper shipper =
            app.camelContext()
                .getRegistry()
                .lookupByNameAndType("auditShipper", AuditShipper.class);
        AuditSpool spool =
            app.camelContext().getRegistry().lookupByNameAndType("auditSpool", AuditSpool.class);
        assertTrue(shipper.flush(Duration.ofSeconds(30)), "startup events not shipped");
        int before = auditEventsIn(fhir);
        long sentBefore = shipper.sent();

        List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
        long t0 = System.nanoTime();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleAtFixedRate(
            () -> samples.add(sample(t0)), 0, SAMPLE_MS, TimeUnit.MILLISECONDS);
        int logStart = org.fusioncds.testing.TrailFixture.capturedLog().length();
        Map<String, Integer> outcomes = callers.run(CALLERS, Duration.ofSeconds(SECONDS));
        sampler.shutdown();
        assertTrue(sampler.awaitTermination(30, TimeUnit.SECONDS));

        // the audit repository here shares two cores with the load; the backlog left when the
        // load stops must drain, without loss, within as long as the load lasted (at least 2 min)
        int backlog = spool.size();
        long drainStart = System.nanoTime();
        boolean flushed = shipper.flush(Duration.ofSeconds(Math.max(120, SECONDS)));
        double drainSeconds = (System.nanoTime() - drainStart) / 1e9;
        int shipped = auditEventsIn(fhir) - before;
        System.out.printf(
            "[soak] audit backlog when the load stopped: %d events, drained in %.0f s (%.0f/s)%n",
            backlog, drainSeconds, backlog / Math.max(drainSeconds, 0.001));

        List<Sample> all = List.copyOf(samples);
        // a warm-up window first (pools grow to their size under load), then the first window
        long window = Math.min(60_000, SECONDS * 1000L / 3);
        List<Sample> first =
            all.stream().filter(s -> s.atMs() >= window && s.atMs() < 2 * window).toList();
        List<Sample> last = all.stream().filter(s -> s.atMs() >= SECONDS * 1000L - window).toList();
        report(
            outcomes,
            callers,
            first,
            last,
            all,
            shipped,
            shipper.sent() - sentBefore,
            spool.size());

        assertEquals(
            List.of(),
            outcomes.keySet().stream().filter(k -> k.contains("unexpected")).toList(),
            "unexpected answers: "
                + outcomes
                + "; what the service logged at ERROR:\n"
                + errors(logStart));
        assertTrue(flushed, "the audit spool did not empty: " + spool.size() + " waiting");
        assertEquals(0, spool.size());
        assertEquals(shipper.sent() - sentBefore, shipped, "events sent but not in the repository");
        assertTrue(shipped >= callers.calls(), shipped + " AuditEvents for " + callers.calls());
        assertFalse(first.isEmpty() || last.isEmpty(), "no samples: " + all.size());
        if (!JUDGES_FLATNESS) {
          // the short soak of every mvn verify ends while the pools are still filling (seen in the
          // full suite: 152 -> 164 threads in 30 s, its first hooks taking 26 s): statuses and the
          // audit trail are asserted above, flatness only on a run long enough to mean something
          return;
        }
        long heapFirst = max(first, Sample::heapMb);
        long heapLast = max(last, Sample::heapMb);
        assertTrue(
            heapLast <= heapFirst + Math.max(32, heapFirst / 5),
            "heap after GC grew: " + heapFirst + " MB -> " + heapLast + " MB");
        long threadsFirst = max(first, s -> (long) s.threads());
        long threadsLast = max(last, s -> (long) s.threads());
        assertTrue(
            threadsLast <= threadsFirst + 5,
            "threads grew: " + threadsFirst + " -> " + threadsLast);
        long fdsFirst = max(first, Sample::fds);
        long fdsLast = max(last, Sample::fds);
        assertTrue(
            fdsLast <= fdsFirst + 25, "open descriptors grew: " + fdsFirst + " -> " + fdsLast);
      }
    }
  }

  /** The ERROR lines this JVM logged (each 500 of ours logs its trace, never a message). */
  private static String errors(int logStart) {
    try {
      String log = org.fusioncds.testing.TrailFixture.capturedLog();
      return log.substring(Math.min(logStart, log.length()))
          .lines()
          .dropWhile(l -> !l.contains(" ERROR "))
          .limit(60)
          .collect(java.util.stream.Collectors.joining("\n"));
    } catch (IOException e) {
      return "(test log unreadable: " + e + ")";
    }
  }

  private static void assertFalse(boolean condition, String message) {
    assertTrue(!condition, message);
  }

  private static long max(List<Sample> samples, java.util.function.ToLongFunction<Sample> f) {
    return samples.stream().mapToLong(f).max().orElse(0);
  }

  private static Sample sample(long t0) {
    if (JUDGES_FLATNESS) {
      System.gc(); // a full collection (the failsafe JVM runs the serial collector): live heap
    }
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
    int threads = ManagementFactory.getThreadMXBean().getThreadCount();
    long fds;
    try (Stream<Path> open = Files.list(Path.of("/proc/self/fd"))) {
      fds = open.count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Sample((System.nanoTime() - t0) / 1_000_000, heap, threads, fds);
  }

  private static int auditEventsIn(IGenericClient fhir) {
    Bundle b =
        fhir.search()
            .forResource(AuditEvent.class)
            .summaryMode(ca.uhn.fhir.rest.api.SummaryEnum.COUNT)
            .cacheControl(new CacheControlDirective().setNoCache(true)) // HAPI reuses searches
            .returnBundle(Bundle.class)
            .execute();
    return b.getTotal();
  }

  private static void report(
      Map<String, Integer> outcomes,
      Callers callers,
      List<Sample> first,
      List<Sample> last,
      List<Sample> all,
      int shipped,
      long sent,
      int waiting) {
    System.out.printf(
        "[soak] %d s, %d callers: %d calls (%.1f/s), slowest %d ms; %s%n",
        SECONDS,
        CALLERS,
        callers.calls(),
        callers.calls() / (double) SECONDS,
        callers.slowestMs(),
        outcomes);
    System.out.printf(
        "[soak] first window: heap %s %d MB, threads %d, fds %d; last window: heap %d MB,"
            + " threads %d, fds %d; %d samples%n",
        JUDGES_FLATNESS ? "after GC" : "used (no GC forced)",
        max(first, Sample::heapMb),
        max(first, s -> (long) s.threads()),
        max(first, Sample::fds),
        max(last, Sample::heapMb),
        max(last, s -> (long) s.threads()),
        max(last, Sample::fds),
        all.size());
    System.out.printf(
        "[soak] audit: %d AuditEvents in the repository, shipper sent %d, %d waiting%n",
        shipped, sent, waiting);
  }

  /** The callers: each loops until the deadline, picking a kind of call at random. */
  private static final class Callers {
    private final SandboxEhr ehr;
    private final String hook;
    private final String fhirBase;
    private final List<String> patients;
    private final AtomicInteger nextFirst = new AtomicInteger();
    private final List<String> completed = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger slowest = new AtomicInteger();
    private final Map<String, Integer> outcomes = new ConcurrentHashMap<>();
    private final HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    Callers(SandboxEhr ehr, String hook, String fhirBase, List<String> patients) {
      this.ehr = ehr;
      this.hook = hook;
      this.fhirBase = fhirBase;
      this.patients = patients;
    }

    Map<String, Integer> run(int callers, Duration length) throws Exception {
      long end = System.nanoTime() + length.toNanos();
      ExecutorService pool = Executors.newFixedThreadPool(callers);
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        done.add(
            pool.submit(
                () -> {
                  while (System.nanoTime() < end) { // bounded by the deadline
                    one();
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      pool.shutdown();
      return new TreeMap<>(outcomes);
    }

    int calls() {
      return calls.get();
    }

    int slowestMs() {
      return slowest.get();
    }

    private void one() {
      Kind kind = pick();
      String patient = null;
      if (kind == Kind.FIRST) {
        int i = nextFirst.getAndIncrement();
        if (i < patients.size()) {
          patient = patients.get(i);
        } else {
          kind = Kind.REPEATED; // another caller took the last new patient
        }
      }
      if (patient == null) {
        patient =
            completed.isEmpty()
                ? patients.get(0)
                : completed.get(ThreadLocalRandom.current().nextInt(completed.size()));
      }
      long t0 = System.nanoTime();
      String outcome;
      try {
        HttpResponse<String> r =
            http.send(request(kind, patient), HttpResponse.BodyHandlers.ofString());
        outcome =
            kind
                + " "
                + r.statusCode()
                + (r.statusCode() == kind.expected ? "" : " unexpected " + code(r.body()));
      } catch (IOException e) {
        outcome = kind + " unexpected " + e.getClass().getSimpleName();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        outcome = kind + " unexpected interrupted";
      }
      if (kind == Kind.FIRST && outcome.equals("FIRST 200")) {
        completed.add(patient);
      }
      calls.incrementAndGet();
      slowest.accumulateAndGet((int) ((System.nanoTime() - t0) / 1_000_000), Math::max);
      outcomes.merge(outcome, 1, Integer::sum);
    }

    /**
     * First hooks while new patients are left (a tenth of the calls); repeated hooks only for
     * patients whose first hook has answered (two first evaluations of one patient at once are
     * another test's matter); else an invalid body or a refused token.
     */
    private Kind pick() {
      int r = ThreadLocalRandom.current().nextInt(100);
      if ((completed.isEmpty() || r < 10) && nextFirst.get() < patients.size()) {
        return Kind.FIRST;
      }
      if (r < 55 && !completed.isEmpty()) {
        return Kind.REPEATED;
      }
      return r < 78 ? Kind.INVALID_BODY : Kind.REFUSED_TOKEN;
    }

    private HttpRequest request(Kind kind, String patient) {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(hook))
              .timeout(Duration.ofSeconds(120))
              .header("Content-Type", "application/json");
      String body =
          switch (kind) {
            case FIRST, REPEATED, REFUSED_TOKEN -> hookBody(patient);
            case INVALID_BODY ->
                ThreadLocalRandom.current().nextBoolean()
                    ? "{\"hook\": "
                    : "{\"context\":{\"userId\":\"Practitioner/1\"}}";
          };
      if (kind == Kind.REFUSED_TOKEN) {
        if (ThreadLocalRandom.current().nextBoolean()) {
          b.header("Authorization", "Bearer " + ehr.sign(hook + "/elsewhere")); // wrong audience
        }
      } else {
        b.header("Authorization", "Bearer " + ehr.sign(hook));
      }
      return b.POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private String hookBody(String patient) {
      return "{\"hook\":\"patient-view\",\"hookInstance\":\""
          + UUID.randomUUID()
          + "\",\"fhirServer\":\""
          + fhirBase
          + "\",\"context\":{\"userId\":\"Practitioner/soak\",\"patientId\":\""
          + patient
          + "\"}}";
    }

    private static String code(String body) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("FCDS-\\d+").matcher(body);
      return m.find() ? m.group() : "";
    }
  }
}
