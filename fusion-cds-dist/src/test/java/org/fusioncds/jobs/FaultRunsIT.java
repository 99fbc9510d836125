package org.fusioncds.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.CacheControlDirective;
import ca.uhn.fhir.rest.api.SummaryEnum;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.fusioncds.app.FusionCdsApp;
import org.fusioncds.audit.AuditShipper;
import org.fusioncds.audit.AuditSpool;
import org.fusioncds.cli.WorkerCommand;
import org.fusioncds.flow.EvaluationJob;
import org.fusioncds.flow.EvaluationOutcome;
import org.fusioncds.sandbox.FreePorts;
import org.fusioncds.sandbox.KafkaBroker;
import org.fusioncds.sandbox.SandboxEhr;
import org.fusioncds.sandbox.SandboxFhirServer;
import org.fusioncds.sandbox.SandboxSettings;
import org.fusioncds.sandbox.cohort.CohortGenerator;
import org.fusioncds.sandbox.cohort.CohortLoader;
import org.fusioncds.sandbox.cohort.VisitFrame;
import org.fusioncds.testing.KafkaTopic;
import org.fusioncds.testing.OrthancServer;
import org.fusioncds.testing.TcpProxy;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Faults on real servers while two workers evaluate a backlog of P jobs (P = {@code
 * faults.patients}, 12 in {@code mvn verify}, 200 with {@code -Pfaults}): the FHIR server
 * unreachable for 20 s (a TCP proxy in front of the sandbox HAPI refuses connections), Orthanc (a
 * real one, holding the cohort's images) stopped mid-retrieval and started again, and with {@code
 * -Pfaults} also the broker stopped and restarted and the audit repository unreachable for 20 s.
 * After recovery every job ends in exactly one DiagnosticReport (counted on the FHIR server) or one
 * dead letter (counted on the dead-letter topic), no report twice, and the audit repository holds
 * every AuditEvent the workers' journals took.
 */
class FaultRunsIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final FhirContext FHIR = FhirContext.forR4Cached();
  private static final String JOBS = "fcds.evaluation.jobs";
  private static final String OUTCOMES = "fcds.evaluation.outcomes";
  private static final String DEAD_LETTERS = "fcds.evaluation.dead-letters";
  private static final int P = Integer.getInteger("faults.patients", 12);
  private static final boolean FULL = Boolean.getBoolean("faults.full");
  private static final Duration OUTAGE = Duration.ofSeconds(20);

  private static Path work;
  private static SandboxFhirServer fhirServer;
  private static SandboxFhirServer auditServer;
  private static TcpProxy fhirProxy;
  private static TcpProxy auditProxy;
  private static OrthancServer orthanc;
  private static KafkaBroker broker;
  private static SandboxEhr ehr;
  private static final List<FusionCdsApp> workers = new ArrayList<>();
  private static IGenericClient fhir;
  private static IGenericClient audit;
  private static String proxiedFhir;
  private static List<String> patients;
  private static int next;

  @BeforeAll
  static void start() throws Exception {
    work = Files.createTempDirectory("faults");
    Path cohort = work.resolve("cohort");
    int cases = FULL ? 4 : 2;
    CohortGenerator.generate(
        cases * P * 3 / 2 + 8, 20261205L, cohort, VisitFrame.dayBefore(Instant.now()));
    fhirServer = SandboxFhirServer.start();
    auditServer = SandboxFhirServer.start(SandboxFhirServer.Settings.auditRepository(0));
    fhir = FHIR.newRestfulGenericClient(fhirServer.baseUrl());
    audit = FHIR.newRestfulGenericClient(auditServer.baseUrl());
    patients =
        CohortLoader.load(fhir, cohort).stream()
            .filter(CohortLoader.LoadedPatient::image)
            .map(CohortLoader.LoadedPatient::id)
            .toList();
    assertTrue(patients.size() >= cases * P, "patients with an image: " + patients.size());
    fhirProxy = proxy(fhirServer.baseUrl());
    auditProxy = proxy(auditServer.baseUrl());
    proxiedFhir = through(fhirProxy, fhirServer.baseUrl());
    orthanc = OrthancServer.start();
    upload(cohort.resolve("dicom"));
    broker = KafkaBroker.start(work, 8);
    broker.createTopics(JOBS, OUTCOMES, DEAD_LETTERS);
    ehr = SandboxEhr.start();
    for (int i = 0; i < 2; i++) {
      int port = FreePorts.find();
      String auditBase = through(auditProxy, auditServer.baseUrl());
      Map<String, String> s =
          SandboxSettings.forApp(
              port,
              ehr,
              work.resolve("worker-" + i),
              proxiedFhir + "," + auditBase,
              orthanc.dicomWebUrl().toString());
      s.put("audit.fhir-base-url", auditBase);
      s.put("dicomweb.base-url", orthanc.dicomWebUrl().toString());
      s.put("evaluation.kafka.bootstrap", broker.bootstrap());
      s.put("evaluation.concurrency", "2");
      s.putAll(WorkerCommand.workerSettings());
      workers.add(FusionCdsApp.start(s));
    }
  }

  private static TcpProxy proxy(String base) throws Exception {
    URI u = URI.create(base);
    return new TcpProxy(u.getHost(), u.getPort());
  }

  private static String through(TcpProxy proxy, String base) {
    URI u = URI.create(base);
    return "http://127.0.0.1:" + proxy.port() + u.getPath();
  }

  /** Every DICOM file of the cohort into Orthanc (POST /instances). */
  private static void upload(Path dicom) throws Exception {
    // HTTP/1.1: Orthanc closes a connection that asks for an upgrade to HTTP/2
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    List<Path> files;
    try (Stream<Path> s = Files.walk(dicom)) {
      files = s.filter(f -> f.toString().endsWith(".dcm")).toList();
    }
    for (Path f : files) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(orthanc.baseUrl() + "/instances"))
                  .POST(HttpRequest.BodyPublishers.ofFile(f))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
    }
  }

  @AfterAll
  static void stop() {
    workers.forEach(FusionCdsApp::close);
    for (AutoCloseable c :
        new AutoCloseable[] {
          broker, orthanc, fhirProxy, auditProxy, fhirServer, auditServer, ehr
        }) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception ignored) {
        // the next one is still closed
      }
    }
  }

  @Test
  void theFhirServerUnreachableFor20sMidRunLosesNoJobAndWritesNoReportTwice() throws Exception {
    Figures f =
        run(
            "fhir-down",
            () -> {
              fhirProxy.refuse();
              Thread.sleep(OUTAGE.toMillis());
              fhirProxy.accept();
            });

    f.assertEveryJobEndedOnce();
  }

  @Test
  void orthancStoppedMidRetrievalAndStartedAgainLosesNoJobAndWritesNoReportTwice()
      throws Exception {
    Figures f =
        run(
            "orthanc-stopped",
            () -> {
              orthanc.stopKeepingData();
              Thread.sleep(OUTAGE.toMillis());
              orthanc.startAgain();
            });

    f.assertEveryJobEndedOnce();
  }

  @Test
  @EnabledIfSystemProperty(named = "faults.full", matches = "true")
  void theBrokerStoppedAndRestartedMidRunLosesNoJobAndWritesNoReportTwice() throws Exception {
    Figures f =
        run(
            "broker-restart",
            () -> {
              broker.stop();
              Thread.sleep(10_000);
              broker.start();
            });

    f.assertEveryJobEndedOnce();
  }

  @Test
  @EnabledIfSystemProperty(named = "faults.full", matches = "true")
  void theAuditRepositoryUnreachableFor20sMidRunLosesNoAuditEvent() throws Exception {
    Figures f =
        run(
            "audit-down",
            () -> {
              auditProxy.refuse();
              Thread.sleep(OUTAGE.toMillis());
              auditProxy.accept();
            });

    f.assertEveryJobEndedOnce();
  }

  /** What one case left on the servers. */
  record Figures(
      String name,
      int jobs,
      int reported,
      int failed,
      int duplicates,
      int neither,
      int imageMissing,
      long auditJournal,
      long auditRepository,
      double seconds) {

    void assertEveryJobEndedOnce() {
      assertEquals(jobs, reported + failed, this.toString());
      assertEquals(0, duplicates, this.toString());
      assertEquals(0, neither, this.toString());
      assertEquals(auditJournal, auditRepository, "lost AuditEvents: " + this);
    }
  }

  @FunctionalInterface
  interface Fault {
    void inject() throws Exception;
  }

  /** Queues P jobs, injects the fault once a quarter have finished, and counts on the servers. */
  private static Figures run(String name, Fault fault) throws Exception {
    List<String> mine = take(P);
    long t0 = System.nanoTime();
    Map<String, String> jobOfPatient = new HashMap<>();
    try (KafkaTopic jobs = new KafkaTopic(broker.bootstrap(), JOBS, false);
        KafkaTopic outcomes = new KafkaTopic(broker.bootstrap(), OUTCOMES, false)) {
      for (String p : mine) {
        EvaluationJob j = job(p);
        jobs.send(p, j.toJson());
        jobOfPatient.put(p, j.jobId());
      }
      Set<String> ids = new HashSet<>(jobOfPatient.values());
      outcomes.readUntil(
          seen -> finals(seen, ids).size() * 4 >= ids.size(), Duration.ofMinutes(10));
      fault.inject();
      List<String> seen =
          outcomes.readUntil(
              l -> finals(l, ids).size() >= ids.size(), Duration.ofSeconds(180L + 6L * P));
      assertEquals(ids, finals(seen, ids).keySet(), name + ": outcomes of the queued jobs");
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    Set<String> dead = deadLetters(new HashSet<>(jobOfPatient.values()));
    int reported = 0;
    int failed = 0;
    int duplicates = 0;
    int neither = 0;
    int imageMissing = 0;
    for (String p : mine) {
      List<DiagnosticReport> reports = reports(p);
      boolean letter = dead.contains(jobOfPatient.get(p));
      if (reports.size() == 1 && !letter) {
        reported++;
        String conclusion = reports.get(0).getConclusion();
        if (conclusion != null && conclusion.matches("(?s).*Inputs missing: [^.]*\\bimage\\b.*")) {
          imageMissing++;
        }
      } else if (reports.isEmpty() && letter) {
        failed++;
      } else if (reports.size() > 1) {
        duplicates += reports.size() - 1;
      } else {
        neither++;
      }
    }
    long journal = 0;
    for (FusionCdsApp w : workers) {
      AuditShipper shipper =
          w.camelContext().getRegistry().lookupByNameAndType("auditShipper", AuditShipper.class);
      assertTrue(shipper.flush(Duration.ofMinutes(3)), name + ": the audit spool did not empty");
      journal +=
          w.camelContext()
              .getRegistry()
              .lookupByNameAndType("auditSpool", AuditSpool.class)
              .appended();
    }
    Bundle count =
        audit
            .search()
            .forResource(AuditEvent.class)
            .summaryMode(SummaryEnum.COUNT)
            .cacheControl(new CacheControlDirective().setNoCache(true))
            .returnBundle(Bundle.class)
            .execute();
    Figures f =
        new Figures(
            name,
            mine.size(),
            reported,
            failed,
            duplicates,
            neither,
            imageMissing,
            journal,
            count.getTotal(),
            Math.round(seconds * 10) / 10.0);
    System.out.printf(
        Locale.ROOT,
        "FAULT-FIGURES {\"case\":\"%s\",\"jobs\":%d,\"reports\":%d,\"failed\":%d,"
            + "\"duplicates\":%d,\"neither\":%d,\"imageMissing\":%d,\"auditJournal\":%d,"
            + "\"auditRepository\":%d,\"seconds\":%.1f}%n",
        f.name(),
        f.jobs(),
        f.reported(),
        f.failed(),
        f.duplicates(),
        f.neither(),
        f.imageMissing(),
        f.auditJournal(),
        f.auditRepository(),
        f.seconds());
    Files.writeString(
        Path.of("target", "fault-figures.jsonl"),
        JSON.writeValueAsString(f) + "\n",
        java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
    return f;
  }

  /** The first final (not RUNNING) outcome of each of the jobs. */
  private static Map<String, EvaluationOutcome> finals(List<String> seen, Set<String> ids) {
    Map<String, EvaluationOutcome> done = new HashMap<>();
    for (String json : seen) {
      EvaluationOutcome o = EvaluationOutcome.fromJson(json);
      if (ids.contains(o.jobId()) && o.status() != EvaluationOutcome.Status.RUNNING) {
        done.putIfAbsent(o.jobId(), o);
      }
    }
    return done;
  }

  /** Job ids of the dead letters of these jobs, read from the topic's start. */
  private static Set<String> deadLetters(Set<String> ids) throws Exception {
    Set<String> dead = new HashSet<>();
    try (KafkaTopic letters = new KafkaTopic(broker.bootstrap(), DEAD_LETTERS, true)) {
      for (String l : letters.readUntil(x -> false, Duration.ofSeconds(4))) {
        JsonNode letter = JSON.readTree(l);
        String id = letter.path("job").path("jobId").asText();
        if (ids.contains(id)) {
          dead.add(id);
        }
      }
    }
    return dead;
  }

  private static EvaluationJob job(String patient) {
    return new EvaluationJob(
        EvaluationJob.VERSION,
        UUID.randomUUID().toString(),
        "backfill",
        "imaging-fusion",
        "cap-fusion",
        "0.1.0",
        patient,
        proxiedFhir,
        null,
        null,
        Instant.now());
  }

  private static List<DiagnosticReport> reports(String patient) {
    Bundle b =
        fhir.search()
            .forResource(DiagnosticReport.class)
            .where(DiagnosticReport.SUBJECT.hasId("Patient/" + patient))
            .cacheControl(new CacheControlDirective().setNoCache(true))
            .returnBundle(Bundle.class)
            .execute();
    return b.getEntry().stream()
        .filter(e -> e.getResource() instanceof DiagnosticReport)
        .map(e -> (DiagnosticReport) e.getResource())
        .toList();
  }

  private static synchronized List<String> take(int n) {
    List<String> mine = patients.subList(next, next + n);
    next += n;
    return mine;
  }
}
