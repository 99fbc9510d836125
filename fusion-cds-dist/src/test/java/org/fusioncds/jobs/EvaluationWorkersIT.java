package org.fusioncds.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.CacheControlDirective;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.fusioncds.app.FusionCdsApp;
import org.fusioncds.cli.FusionCdsCommand;
import org.fusioncds.cli.WorkerCommand;
import org.fusioncds.flow.EvaluationJob;
import org.fusioncds.flow.EvaluationOutcome;
import org.fusioncds.sandbox.FreePorts;
import org.fusioncds.sandbox.KafkaBroker;
import org.fusioncds.sandbox.SandboxEhr;
import org.fusioncds.sandbox.SandboxServers;
import org.fusioncds.sandbox.SandboxSettings;
import org.fusioncds.sandbox.cohort.CohortGenerator;
import org.fusioncds.sandbox.cohort.CohortLoader;
import org.fusioncds.sandbox.cohort.VisitFrame;
import org.fusioncds.testing.KafkaTopic;
import org.fusioncds.testing.SecuredApp;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import picocli.CommandLine;

/**
 * Evaluation workers on a real Kafka broker (single-node KRaft, a child JVM), the sandbox HAPI FHIR
 * JPA and DICOMweb servers, two worker applications and a hook replica that only queues jobs: each
 * job ends in exactly one DiagnosticReport (counted on the FHIR server) or one recorded failure,
 * also when it is queued twice or a worker process is killed with SIGKILL in the middle of a run.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EvaluationWorkersIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final FhirContext FHIR = FhirContext.forR4Cached();
  private static final String JOBS = "fcds.evaluation.jobs";
  private static final String OUTCOMES = "fcds.evaluation.outcomes";
  private static final String DEAD_LETTERS = "fcds.evaluation.dead-letters";

  private static Path work;
  private static SandboxServers servers;
  private static SandboxEhr ehr;
  private static KafkaBroker broker;
  private static final List<FusionCdsApp> apps = new ArrayList<>();
  private static IGenericClient fhir;
  private static List<String> patients;
  private static int next;
  private static String hooks;
  private static Process victim;

  @BeforeAll
  static void start() throws Exception {
    work = Files.createTempDirectory("workers");
    Path cohort = work.resolve("cohort");
    CohortGenerator.generate(40, 20261204L, cohort, VisitFrame.dayBefore(Instant.now()));
    servers = SandboxServers.start(cohort.resolve("dicom"));
    fhir = FHIR.newRestfulGenericClient(servers.fhir().baseUrl());
    patients =
        CohortLoader.load(fhir, cohort).stream()
            .filter(p -> p.image() && p.labs())
            .map(CohortLoader.LoadedPatient::id)
            .toList();
    broker = KafkaBroker.start(work, 8);
    broker.createTopics(JOBS, OUTCOMES, DEAD_LETTERS);
    ehr = SandboxEhr.start();
    victim = childWorker("victim");
    for (int i = 0; i < 2; i++) {
      Map<String, String> s = settings("worker-" + i);
      s.putAll(WorkerCommand.workerSettings());
      apps.add(FusionCdsApp.start(s));
    }
    Map<String, String> replica = settings("hook");
    replica.put("evaluation.transport", "kafka");
    replica.put("evaluation.hook-mode", "workers");
    replica.put("evaluation.consume-jobs", "false");
    replica.put("cds.time-budget-ms", "30000");
    apps.add(FusionCdsApp.start(replica));
    hooks = "http://127.0.0.1:" + replica.get("camel.server.port") + "/cds-services/imaging-fusion";
  }

  private static Map<String, String> settings(String name) {
    int port = FreePorts.find();
    Map<String, String> s =
        SandboxSettings.forApp(
            port, ehr, work.resolve(name), servers.fhir().baseUrl(), servers.dicomWeb().baseUrl());
    s.put("dicomweb.base-url", servers.dicomWeb().baseUrl());
    s.put("evaluation.kafka.bootstrap", broker.bootstrap());
    s.put("evaluation.concurrency", "2");
    // a hook's budget, never a job's: with 0 a hook here answers "analysis running" at once, and a
    // job must still wait for its model, write its report, then be answered and committed
    s.put("cds.time-budget-ms", "0");
    s.put("models.additional", "nodule-ct"); // a second model's jobs go to the same workers
    return s;
  }

  @AfterAll
  static void stop() {
    if (victim != null) {
      victim.destroyForcibly();
    }
    apps.forEach(FusionCdsApp::close);
    for (AutoCloseable c : new AutoCloseable[] {broker, servers, ehr}) {
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
  void everyQueuedJobEndsInOneReportAndTheSameJobQueuedAgainWritesNothing() throws Exception {
    List<String> mine = take(6);
    try (KafkaTopic jobs = new KafkaTopic(broker.bootstrap(), JOBS, false);
        KafkaTopic outcomes = new KafkaTopic(broker.bootstrap(), OUTCOMES, false)) {
      Set<String> first = queue(jobs, mine);
      Map<String, EvaluationOutcome> done = await(outcomes, first, Duration.ofMinutes(3));
      done.values()
          .forEach(o -> assertEquals(EvaluationOutcome.Status.REPORTED, o.status(), o.toJson()));
      for (String p : mine) {
        assertEquals(1, reports(p), "reports of one patient after one job");
      }

      Set<String> again = queue(jobs, mine);
      Map<String, EvaluationOutcome> redone = await(outcomes, again, Duration.ofMinutes(3));

      redone
          .values()
          .forEach(o -> assertEquals(EvaluationOutcome.Status.CACHED, o.status(), o.toJson()));
      for (String p : mine) {
        assertEquals(1, reports(p), "reports of one patient after the same job twice");
      }
    }
  }

  @Test
  void aHookOnAReplicaIsAnsweredWithTheReportAWorkerWrote() throws Exception {
    String patient = take(1).get(0);

    JsonNode first = hook(patient);
    JsonNode again = hook(patient);

    JsonNode card = first.path("cards").get(0);
    assertTrue(card.path("summary").asText().contains("probability"), first.toString());
    assertFalse(card.path("detail").asText().contains("Computed earlier"), first.toString());
    assertTrue(
        again.path("cards").get(0).path("detail").asText().contains("Computed earlier"),
        again.toString());
    assertEquals(1, reports(patient));
  }

  @Test
  void aReportMarkedEnteredInErrorIsNotShownByAHookOnAReplica() throws Exception {
    String patient = take(1).get(0);
    JsonNode first = hook(patient);
    String url = first.path("cards").path(0).path("links").path(0).path("url").asText();
    String id = url.replaceAll(".*/DiagnosticReport/([^/?#]+).*", "$1");
    DiagnosticReport report = fhir.read().resource(DiagnosticReport.class).withId(id).execute();
    report.setStatus(DiagnosticReport.DiagnosticReportStatus.ENTEREDINERROR);
    fhir.update().resource(report).execute();

    JsonNode again = hook(patient);

    JsonNode card = again.path("cards").get(0);
    assertEquals(1, again.path("cards").size(), again.toString());
    assertEquals("info", card.path("indicator").asText(), again.toString());
    assertTrue(card.path("summary").asText().contains("withdrawn"), again.toString());
    assertFalse(card.toString().contains("probability"), "no result shown: " + card);
    assertEquals(0, card.path("links").size(), "no link to the withdrawn result: " + card);
    assertEquals(1, reports(patient), "the model is not run again for the same inputs");
  }

  @Test
  void aHookOfTheSecondModelsServiceIsAJobOfThatModel() throws Exception {
    String patient = take(1).get(0); // a chest radiograph, labs, no chest CT

    JsonNode answer =
        SecuredApp.patientView(
            ehr,
            hooks.replace("/imaging-fusion", "/nodule-ct"),
            servers.fhir().baseUrl(),
            patient,
            null);

    // the worker ran nodule-ct's steps: its card, no report (the radiograph model would write one)
    JsonNode card = answer.path("cards").get(0);
    assertTrue(card.path("summary").asText().contains("no recent chest CT"), answer.toString());
    assertEquals(0, reports(patient), "nothing written for a patient without a chest CT");
  }

  @Test
  void aJobThatFailsForGoodIsAnsweredFailedDeadLetteredAndCanBeReplayed() throws Exception {
    // a FHIR server off the allowlist: refused (FCDS-7031) at every try, so the replay fails too
    EvaluationJob job = job(take(1).get(0), "http://127.0.0.1:1/fhir");
    try (KafkaTopic jobs = new KafkaTopic(broker.bootstrap(), JOBS, false);
        KafkaTopic outcomes = new KafkaTopic(broker.bootstrap(), OUTCOMES, false);
        KafkaTopic letters = new KafkaTopic(broker.bootstrap(), DEAD_LETTERS, false)) {
      jobs.send(job.patientId(), job.toJson());

      EvaluationOutcome failed =
          await(outcomes, Set.of(job.jobId()), Duration.ofMinutes(2)).get(job.jobId());
      List<String> dead = letters.readUntil(l -> !l.isEmpty(), Duration.ofSeconds(60));

      assertEquals(EvaluationOutcome.Status.FAILED, failed.status());
      assertEquals("FCDS-7031", failed.code(), failed.toJson());
      assertEquals(1, dead.size(), dead.toString());
      JsonNode letter = JSON.readTree(dead.get(0));
      assertEquals(job.jobId(), letter.path("job").path("jobId").asText());
      assertEquals("FCDS-7031", letter.path("outcome").path("code").asText());

      String replay = cli("replay-dead-letters", "--bootstrap", broker.bootstrap());

      assertTrue(replay.contains("\"replayed\":"), replay);
      assertFalse(replay.contains("\"replayed\":0"), replay);
      List<String> deadAgain = letters.readUntil(l -> l.size() >= 2, Duration.ofMinutes(2));
      assertEquals(2, deadAgain.size(), "the replayed job failed again: " + deadAgain);
      assertEquals(job.jobId(), JSON.readTree(deadAgain.get(1)).path("job").path("jobId").asText());
      assertEquals(0, reports(job.patientId()));
    }
  }

  @Test
  void aWorkerKilledWithSigkillMidRunLosesNoJobAndWritesNoReportTwice() throws Exception {
    List<String> mine = take(16);
    try (KafkaTopic jobs = new KafkaTopic(broker.bootstrap(), JOBS, false);
        KafkaTopic outcomes = new KafkaTopic(broker.bootstrap(), OUTCOMES, false)) {
      awaitGroupMember(victim);
      Set<String> queued = queue(jobs, mine);
      outcomes.readUntil(seen -> seen.size() >= 3, Duration.ofMinutes(2));

      victim.destroyForcibly(); // SIGKILL
      assertTrue(victim.waitFor(30, TimeUnit.SECONDS));

      Map<String, EvaluationOutcome> done = await(outcomes, queued, Duration.ofMinutes(4));
      assertEquals(queued, done.keySet());
      for (String p : mine) {
        assertEquals(1, reports(p), "reports of one patient after the kill");
      }
    } finally {
      victim.destroyForcibly();
    }
  }

  @Test
  void jobsQueuedRightAfterABrokerRestartAreAllEvaluatedOnce() throws Exception {
    List<String> mine = take(4);

    broker.stop();
    broker.start(); // same data and ports: the workers' consumers reconnect by themselves

    try (KafkaTopic jobs = new KafkaTopic(broker.bootstrap(), JOBS, false);
        KafkaTopic outcomes = new KafkaTopic(broker.bootstrap(), OUTCOMES, false)) {
      Set<String> queued = queue(jobs, mine);
      Map<String, EvaluationOutcome> done = await(outcomes, queued, Duration.ofMinutes(3));
      done.values()
          .forEach(o -> assertEquals(EvaluationOutcome.Status.REPORTED, o.status(), o.toJson()));
      for (String p : mine) {
        assertEquals(1, reports(p), "reports of one patient after the broker restart");
      }
    }
  }

  @Test
  @Order(Integer.MAX_VALUE) // last: it evaluates every patient of the cohort
  void backfillQueuesEveryEligiblePatientOnceAndASecondRunWritesNothing() throws Exception {
    String since = java.time.LocalDate.now().minusDays(3).toString();
    Path checkpoint = work.resolve("backfill.json");
    String[] args = {
      "backfill",
      "--fhir",
      servers.fhir().baseUrl(),
      "--since",
      since,
      "--bootstrap",
      broker.bootstrap(),
      "--checkpoint",
      checkpoint.toString()
    };
    try (KafkaTopic outcomes = new KafkaTopic(broker.bootstrap(), OUTCOMES, false)) {
      JsonNode first = JSON.readTree(cli(args));
      int jobs = first.path("jobs").asInt();
      assertTrue(jobs >= patients.size(), first.toString());
      List<EvaluationOutcome> done = finished(outcomes, jobs);
      for (String p : patients) {
        assertEquals(1, reports(p), "reports of one patient after backfill");
      }
      assertTrue(done.stream().noneMatch(o -> o.status() == EvaluationOutcome.Status.FAILED));
      assertTrue(Files.readString(checkpoint).contains("\"next\":null"));

      JsonNode second = JSON.readTree(cli(args));

      assertEquals(jobs, second.path("jobs").asInt());
      List<EvaluationOutcome> redone = finished(outcomes, 2 * jobs).subList(jobs, 2 * jobs);
      assertTrue(
          redone.stream().noneMatch(o -> o.status() == EvaluationOutcome.Status.REPORTED),
          redone.toString());
      for (String p : patients) {
        assertEquals(1, reports(p), "reports of one patient after a second backfill");
      }
    }
  }

  /** The first {@code n} outcomes that are not RUNNING, in arrival order. */
  private static List<EvaluationOutcome> finished(KafkaTopic outcomes, int n) {
    java.util.function.Function<List<String>, List<EvaluationOutcome>> final_ =
        seen ->
            seen.stream()
                .map(EvaluationOutcome::fromJson)
                .filter(o -> o.status() != EvaluationOutcome.Status.RUNNING)
                .toList();
    List<String> seen = outcomes.readUntil(l -> final_.apply(l).size() >= n, Duration.ofMinutes(5));
    List<EvaluationOutcome> done = final_.apply(seen);
    assertTrue(done.size() >= n, "outcomes: " + done.size() + " of " + n);
    return done;
  }

  /** A worker as its own JVM, as `fusion-cds worker` runs it, with this test's settings. */
  private static Process childWorker(String name) throws Exception {
    Map<String, String> s = settings(name);
    s.putAll(WorkerCommand.workerSettings());
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx768m");
    s.forEach((k, v) -> command.add("-D" + k + "=" + v));
    command.addAll(List.of("-jar", "target/fusion-cds.jar", "worker"));
    Path log = work.resolve(name + ".log");
    Files.writeString(work.resolve(name + ".cmd"), String.join("\n", command));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  /** Waits until the child worker's consumers are members of the workers' group. */
  private static void awaitGroupMember(Process child) throws Exception {
    Path log = work.resolve("victim.log");
    java.util.Properties p = new java.util.Properties();
    p.put("bootstrap.servers", broker.bootstrap());
    try (org.apache.kafka.clients.admin.Admin admin =
        org.apache.kafka.clients.admin.Admin.create(p)) {
      long until = System.nanoTime() + Duration.ofMinutes(3).toNanos();
      while (System.nanoTime() < until) {
        assertTrue(
            child.isAlive(),
            () -> "the child worker ended with " + child.exitValue() + ": " + read(log));
        int members =
            admin
                .describeConsumerGroups(List.of("fusion-cds-workers"))
                .all()
                .get()
                .get("fusion-cds-workers")
                .members()
                .size();
        if (members >= 6) { // 2 consumers in each of the 3 workers
          return;
        }
        Thread.sleep(500);
      }
    }
    throw new AssertionError("the child worker did not join: " + read(log));
  }

  private static String read(Path log) {
    try {
      return Files.readString(log);
    } catch (java.io.IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private static EvaluationJob job(String patient) {
    return job(patient, servers.fhir().baseUrl());
  }

  private static EvaluationJob job(String patient, String fhirServer) {
    return new EvaluationJob(
        EvaluationJob.VERSION,
        UUID.randomUUID().toString(),
        "backfill",
        "imaging-fusion",
        "cap-fusion",
        "0.1.0",
        patient,
        fhirServer,
        null,
        null,
        Instant.now());
  }

  private static Set<String> queue(KafkaTopic jobs, List<String> patientIds) throws Exception {
    Set<String> ids = new HashSet<>();
    for (String p : patientIds) {
      EvaluationJob j = job(p);
      jobs.send(p, j.toJson());
      ids.add(j.jobId());
    }
    return ids;
  }

  /** The first outcome of each job that is not RUNNING. */
  private static Map<String, EvaluationOutcome> await(
      KafkaTopic outcomes, Set<String> jobIds, Duration within) {
    Map<String, EvaluationOutcome> done = new HashMap<>();
    outcomes.readUntil(
        seen -> {
          done.clear();
          for (String json : seen) {
            EvaluationOutcome o = EvaluationOutcome.fromJson(json);
            if (jobIds.contains(o.jobId()) && o.status() != EvaluationOutcome.Status.RUNNING) {
              done.putIfAbsent(o.jobId(), o);
            }
          }
          return done.keySet().containsAll(jobIds);
        },
        within);
    assertEquals(jobIds, done.keySet(), "outcomes of the queued jobs");
    return done;
  }

  private static int reports(String patient) {
    Bundle b =
        fhir.search()
            .forResource(DiagnosticReport.class)
            .where(DiagnosticReport.SUBJECT.hasId("Patient/" + patient))
            .cacheControl(new CacheControlDirective().setNoCache(true))
            .returnBundle(Bundle.class)
            .execute();
    return (int)
        b.getEntry().stream().filter(e -> e.getResource() instanceof DiagnosticReport).count();
  }

  private static JsonNode hook(String patient) throws Exception {
    return SecuredApp.patientView(ehr, hooks, servers.fhir().baseUrl(), patient, null);
  }

  private static String cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CommandLine cl = new CommandLine(new FusionCdsCommand());
    cl.setOut(new java.io.PrintWriter(new PrintStream(out, true, StandardCharsets.UTF_8), true));
    int rc = cl.execute(args);
    String text = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, rc, text);
    return text;
  }

  private static synchronized List<String> take(int n) {
    List<String> mine = patients.subList(next, next + n);
    next += n;
    return mine;
  }
}
