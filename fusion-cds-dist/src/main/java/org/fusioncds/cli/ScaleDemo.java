package org.fusioncds.cli;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.CacheControlDirective;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.fusioncds.app.FusionCdsApp;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.sandbox.FreePorts;
import org.fusioncds.sandbox.KafkaBroker;
import org.fusioncds.sandbox.SandboxEhr;
import org.fusioncds.sandbox.SandboxHookCalls;
import org.fusioncds.sandbox.SandboxServers;
import org.fusioncds.sandbox.SandboxSettings;
import org.fusioncds.sandbox.cohort.CohortGenerator;
import org.fusioncds.sandbox.cohort.CohortLoader;
import org.fusioncds.sandbox.cohort.VisitFrame;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Identifier;
import picocli.CommandLine;

/**
 * {@code demo --kafka}: the module past one process. A Kafka broker (single-node KRaft, a child
 * JVM), N evaluation workers (each {@code java -jar fusion-cds.jar worker}, a JVM of its own), a
 * hook replica that only queues jobs, the sandbox FHIR and DICOMweb servers; P synthetic patients
 * are loaded and run through {@code backfill}; optionally one worker is killed with SIGKILL once a
 * third of the jobs have finished. The summary is counted from the servers, not from logs: reports
 * and duplicates from the FHIR server's DiagnosticReports (by result key and by patient), failures
 * from the dead-letter topic, jobs finished from the outcomes topic.
 */
final class ScaleDemo {

  static final String JOBS = "fcds.evaluation.jobs";
  static final String OUTCOMES = "fcds.evaluation.outcomes";
  static final String DEAD_LETTERS = "fcds.evaluation.dead-letters";
  static final String RESULT_KEY = "urn:fusion-cds:result-key";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What the demo is asked for. */
  record Options(
      int workers,
      int patients,
      long seed,
      boolean killWorker,
      boolean stay,
      int concurrency,
      int studyAgeDays,
      Path models,
      Path jar,
      Duration timeout,
      boolean again) {}

  /** What the servers hold after the run. */
  record Counts(long reports, long keys, long duplicates, long patientsWithReports) {}

  private final Options o;
  private final PrintWriter out;
  private final PrintWriter err;
  private final List<Process> workers = new ArrayList<>();
  private Map<String, String> firstRun = Map.of();

  ScaleDemo(Options o, PrintWriter out, PrintWriter err) {
    this.o = o;
    this.out = out;
    this.err = err;
  }

  int run() throws Exception {
    Path work = Files.createTempDirectory("fusion-cds-scale");
    Path cohort = work.resolve("cohort");
    out.printf(
        "fusion-cds scale demo — %d workers, %d patients, synthetic data, not for clinical use%n",
        o.workers(), o.patients());
    Instant visitsEnd = Instant.now().minus(Duration.ofDays(o.studyAgeDays()));
    CohortGenerator.generate(o.patients(), o.seed(), cohort, VisitFrame.dayBefore(visitsEnd));
    try (SandboxServers servers = SandboxServers.start(cohort.resolve("dicom"));
        KafkaBroker broker = KafkaBroker.start(work, 8);
        SandboxEhr ehr = SandboxEhr.start()) {
      String fhirBase = servers.fhir().baseUrl();
      FhirContext ctx = FhirContext.forR4Cached();
      ctx.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
      IGenericClient fhir = ctx.newRestfulGenericClient(fhirBase);
      long t0 = System.nanoTime();
      List<CohortLoader.LoadedPatient> loaded = CohortLoader.load(fhir, cohort);
      out.printf(
          "- FHIR server %s: %d patients loaded in %.1f s%n",
          fhirBase, loaded.size(), (System.nanoTime() - t0) / 1e9);
      broker.createTopics(JOBS, OUTCOMES, DEAD_LETTERS);
      Thread reaper = new Thread(() -> stopAll(broker), "scale-demo-stop");
      Runtime.getRuntime().addShutdownHook(reaper); // SIGTERM to --stay: no orphan JVM
      out.printf("- Kafka broker (KRaft, pid %d): %s%n", broker.pid(), broker.bootstrap());
      try {
        for (int i = 0; i < o.workers(); i++) {
          workers.add(worker("worker-" + i, work, servers, ehr, broker));
        }
        Map<String, String> replica = settings("hook", work, servers, ehr, broker);
        replica.put("evaluation.transport", "kafka");
        replica.put("evaluation.hook-mode", "workers");
        replica.put("evaluation.consume-jobs", "false");
        replica.put("cds.time-budget-ms", "30000");
        String management = "http://127.0.0.1:" + FreePorts.find();
        replica.put("camel.management.port", management.substring(management.lastIndexOf(':') + 1));
        try (FusionCdsApp hook = FusionCdsApp.start(replica)) {
          String base = "http://127.0.0.1:" + replica.get("camel.server.port");
          awaitWorkers(broker, work);
          out.printf(
              "- %d workers joined group fusion-cds-workers (pids %s, logs in %s)%n",
              workers.size(), workers.stream().map(Process::pid).toList(), work);
          out.printf("- hook replica (queues jobs, waits for outcomes): %s/cds-services%n", base);
          out.flush();
          ObjectNode summary = backfillAndCount(broker, fhirBase, fhir, Map.of(), o.killWorker());
          if (o.again()) {
            out.printf("- backfill again over the same studies%n");
            ObjectNode again = backfillAndCount(broker, fhirBase, fhir, firstRun, false);
            again.put(
                "newReports", again.path("reports").asLong() - summary.path("reports").asLong());
            summary.set("again", again);
          }
          showHook(base + "/cds-services/imaging-fusion", fhirBase, loaded, ehr);
          out.printf(
              "{\"cdsServices\":\"%s/cds-services\",\"fhir\":\"%s\",\"dicomweb\":\"%s\","
                  + "\"kafka\":\"%s\",\"metrics\":\"%s/metrics\",\"ehrIssuer\":\"%s\","
                  + "\"ehrKey\":%s}%n",
              base,
              fhirBase,
              servers.dicomWeb().baseUrl(),
              broker.bootstrap(),
              management,
              ehr.issuer(),
              ehr.privateKey().toJSONString());
          out.println(summary);
          out.flush();
          if (o.stay()) {
            Thread.currentThread().join();
          }
        }
      } finally {
        for (Process w : workers) {
          w.destroyForcibly();
          w.waitFor(20, TimeUnit.SECONDS);
        }
      }
    }
    return 0;
  }

  /** Ends the worker processes and the broker (a shutdown hook: the demo stopped by a signal). */
  private void stopAll(KafkaBroker broker) {
    for (Process w : workers) {
      w.destroyForcibly();
    }
    broker.stop();
  }

  /**
   * Backfill of every study since three days before the visits, the optional kill, and the counts.
   */
  private ObjectNode backfillAndCount(
      KafkaBroker broker,
      String fhirBase,
      IGenericClient fhir,
      Map<String, String> earlier,
      boolean kill)
      throws Exception {
    Map<Long, Duration> cpuBefore = cpu();
    Duration serverCpuBefore = ownCpu();
    Duration brokerCpuBefore = cpuOf(broker.pid());
    long[] machineBefore = MachineCpu.read();
    long t0 = System.nanoTime();
    StringWriter backfillOut = new StringWriter();
    CommandLine cl = new CommandLine(new BackfillCommand());
    cl.setOut(new PrintWriter(backfillOut, true));
    cl.setErr(err);
    int rc =
        cl.execute(
            "--fhir",
            fhirBase,
            "--since",
            LocalDate.now(ZoneOffset.UTC).minusDays(3L + o.studyAgeDays()).toString(),
            "--bootstrap",
            broker.bootstrap(),
            "--models-folder",
            o.models().toString(),
            "--checkpoint",
            Files.createTempFile("backfill", ".json").toString());
    if (rc != 0) {
      throw new FcdsException(
          ErrorCode.CLI_UNEXPECTED, "the demo's backfill ended with " + rc + " — " + backfillOut);
    }
    JsonNode queued = JSON.readTree(backfillOut.toString().trim());
    long jobs = queued.path("jobs").asLong();
    out.printf(
        "- backfill: %d studies, %d jobs queued in %.1f s%n",
        queued.path("studies").asLong(), jobs, queued.path("seconds").asDouble());
    out.flush();
    Map<String, String> all = awaitOutcomes(broker, earlier.size() + jobs, kill);
    Map<String, String> finals = new HashMap<>(all);
    finals.keySet().removeAll(earlier.keySet());
    firstRun = all;
    double seconds = (System.nanoTime() - t0) / 1e9;
    Map<Long, Duration> cpuAfter = cpu();
    Duration serverCpu = ownCpu().minus(serverCpuBefore);
    Duration brokerCpu = cpuOf(broker.pid()).minus(brokerCpuBefore);
    double machineBusy = MachineCpu.busy(machineBefore, MachineCpu.read());
    Set<String> dead = deadLetters(broker);
    Counts c = count(fhir);
    Map<String, Integer> byStatus = new TreeMap<>();
    finals.values().forEach(s -> byStatus.merge(s, 1, Integer::sum));
    ObjectNode s = JSON.createObjectNode();
    s.put("jobs", jobs);
    s.put("reports", c.reports());
    s.put("duplicates", c.duplicates());
    s.put("failed", dead.size());
    s.put("seconds", Math.round(seconds * 10) / 10.0);
    s.put("finished", finals.size());
    s.put("jobsPerSecond", Math.round(finals.size() / seconds * 100) / 100.0);
    s.set("outcomes", JSON.valueToTree(byStatus));
    s.put("workers", o.workers());
    s.put("killedWorker", kill);
    double cpuSeconds = 0;
    for (Map.Entry<Long, Duration> e : cpuAfter.entrySet()) {
      Duration before = cpuBefore.getOrDefault(e.getKey(), Duration.ZERO);
      cpuSeconds += (e.getValue().toMillis() - before.toMillis()) / 1000.0;
    }
    s.put("workerCpuSeconds", Math.round(cpuSeconds * 10) / 10.0);
    s.put(
        "workerCpuSecondsPerJob",
        finals.isEmpty() ? 0 : Math.round(cpuSeconds / finals.size() * 1000) / 1000.0);
    s.put(
        "demoCpuSecondsPerJob",
        finals.isEmpty() ? 0 : Math.round(serverCpu.toMillis() / finals.size()) / 1000.0);
    int cores = Runtime.getRuntime().availableProcessors();
    s.put("cores", cores);
    // how CPU-bound the run was: the cores its own processes (workers, this JVM with the FHIR and
    // DICOMweb servers and the hook replica, the broker) kept busy, and the whole machine's share
    double runCpu = cpuSeconds + serverCpu.toMillis() / 1000.0 + brokerCpu.toMillis() / 1000.0;
    s.put("runCoresBusy", Math.round(runCpu / seconds * 100) / 100.0);
    s.put("machineBusy", Math.round(machineBusy * 100) / 100.0);
    return s;
  }

  /** CPU time of this process: the FHIR and DICOMweb servers and the hook replica. */
  private static Duration ownCpu() {
    return ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO);
  }

  private static Duration cpuOf(long pid) {
    return ProcessHandle.of(pid).flatMap(h -> h.info().totalCpuDuration()).orElse(Duration.ZERO);
  }

  /** CPU time of each live worker process (user + system), by pid. */
  private Map<Long, Duration> cpu() {
    Map<Long, Duration> m = new HashMap<>();
    for (Process w : workers) {
      if (w.isAlive()) {
        w.toHandle().info().totalCpuDuration().ifPresent(d -> m.put(w.pid(), d));
      }
    }
    return m;
  }

  /**
   * Reads the outcomes topic until every job has a final outcome (not RUNNING), by job id; kills
   * the first worker (SIGKILL) once a third have, when asked. FCDS-8111 past the timeout.
   */
  private Map<String, String> awaitOutcomes(KafkaBroker broker, long jobs, boolean kill)
      throws Exception {
    Map<String, String> finals = new HashMap<>();
    boolean killed = false;
    long until = System.nanoTime() + o.timeout().toNanos();
    long lastShown = 0;
    try (KafkaConsumer<String, String> c = consumer(broker, OUTCOMES)) {
      while (finals.size() < jobs) {
        if (System.nanoTime() > until) {
          throw new FcdsException(
              ErrorCode.DEMO_JOBS_UNFINISHED,
              "the demo's evaluation jobs did not all finish within "
                  + o.timeout().toSeconds()
                  + " s — "
                  + finals.size()
                  + " of "
                  + jobs);
        }
        for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) {
          JsonNode outcome = JSON.readTree(r.value());
          String status = outcome.path("status").asText();
          if (!"RUNNING".equals(status)) {
            finals.putIfAbsent(outcome.path("jobId").asText(), status);
          }
        }
        if (kill && !killed && finals.size() * 3L >= jobs && !workers.isEmpty()) {
          Process victim = workers.get(0);
          victim.destroyForcibly(); // SIGKILL
          victim.waitFor(30, TimeUnit.SECONDS);
          killed = true;
          out.printf(
              "- worker pid %d killed with SIGKILL after %d of %d jobs%n",
              victim.pid(), finals.size(), jobs);
          out.flush();
        }
        if (System.nanoTime() - lastShown > 2_000_000_000L) {
          err.printf("\rjobs finished %d/%d   ", finals.size(), jobs);
          err.flush();
          lastShown = System.nanoTime();
        }
      }
    }
    err.printf("\rjobs finished %d/%d%n", finals.size(), jobs);
    err.flush();
    return finals;
  }

  /** Job ids of the dead letters on the topic (failures recorded for good). */
  static Set<String> deadLetters(KafkaBroker broker) throws IOException {
    return deadLetters(broker.bootstrap());
  }

  /** Job ids of the dead letters on the topic, read from its start until it is quiet for 2 s. */
  static Set<String> deadLetters(String bootstrap) throws IOException {
    Set<String> ids = new HashSet<>();
    try (KafkaConsumer<String, String> c = consumer(bootstrap, DEAD_LETTERS)) {
      long quietUntil = System.nanoTime() + Duration.ofSeconds(4).toNanos();
      while (System.nanoTime() < quietUntil) {
        for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(300))) {
          JsonNode letter = JSON.readTree(r.value());
          ids.add(letter.path("outcome").path("jobId").asText());
          quietUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        }
      }
    }
    return ids;
  }

  /**
   * The DiagnosticReports on the FHIR server, by result key and by patient: duplicates are the
   * reports beyond one per key plus those beyond one per patient (each patient of the demo has one
   * eligible study).
   */
  static Counts count(IGenericClient fhir) {
    Map<String, Integer> byKey = new HashMap<>();
    Map<String, Integer> byPatient = new HashMap<>();
    long reports = 0;
    Bundle page =
        fhir.search()
            .byUrl("DiagnosticReport?_count=500&_elements=identifier,subject")
            .returnBundle(Bundle.class)
            .cacheControl(new CacheControlDirective().setNoCache(true))
            .execute();
    while (page != null) {
      for (Bundle.BundleEntryComponent e : page.getEntry()) {
        if (e.getResource() instanceof DiagnosticReport d) {
          reports++;
          for (Identifier id : d.getIdentifier()) {
            if (RESULT_KEY.equals(id.getSystem())) {
              byKey.merge(id.getValue(), 1, Integer::sum);
            }
          }
          byPatient.merge(d.getSubject().getReference(), 1, Integer::sum);
        }
      }
      page = page.getLink(Bundle.LINK_NEXT) == null ? null : fhir.loadPage().next(page).execute();
    }
    long duplicates =
        Math.max(
            byKey.values().stream().mapToLong(n -> n - 1).sum(),
            byPatient.values().stream().mapToLong(n -> n - 1).sum());
    return new Counts(reports, byKey.size(), duplicates, byPatient.size());
  }

  /** One hook on the replica for a patient with a report: answered from the worker's report. */
  private void showHook(
      String hook, String fhirBase, List<CohortLoader.LoadedPatient> loaded, SandboxEhr ehr)
      throws Exception {
    CohortLoader.LoadedPatient p =
        loaded.stream().filter(x -> x.image() && x.labs()).findFirst().orElse(null);
    if (p == null) {
      return;
    }
    long t0 = System.nanoTime();
    HttpResponse<String> r =
        SandboxHookCalls.post(
            hook,
            SandboxHookCalls.patientView(fhirBase, p.id(), "Practitioner/demo-clinician"),
            ehr.sign(hook));
    JsonNode card = JSON.readTree(r.body()).path("cards").path(0);
    out.printf(
        Locale.ROOT,
        "== patient-view on the hook replica for Patient/%s: HTTP %d in %.0f ms%n   card [%s] %s%n",
        p.id(),
        r.statusCode(),
        (System.nanoTime() - t0) / 1e6,
        card.path("indicator").asText(),
        card.path("summary").asText());
  }

  private Map<String, String> settings(
      String name, Path work, SandboxServers servers, SandboxEhr ehr, KafkaBroker broker) {
    Map<String, String> s =
        SandboxSettings.forApp(
            FreePorts.find(),
            ehr,
            work.resolve(name),
            servers.fhir().baseUrl(),
            servers.dicomWeb().baseUrl());
    s.put("dicomweb.base-url", servers.dicomWeb().baseUrl());
    s.put("evaluation.kafka.bootstrap", broker.bootstrap());
    s.put("evaluation.concurrency", String.valueOf(o.concurrency()));
    s.put("models.folder", o.models().toAbsolutePath().toString());
    s.put("report.organization", "Organization/fusion-cds-demo");
    return s;
  }

  /** A worker as its own JVM: {@code java -jar fusion-cds.jar worker} with the demo's settings. */
  private Process worker(
      String name, Path work, SandboxServers servers, SandboxEhr ehr, KafkaBroker broker)
      throws IOException {
    Map<String, String> s = settings(name, work, servers, ehr, broker);
    s.putAll(WorkerCommand.workerSettings());
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx768m");
    command.add("-XX:+UseSerialGC");
    s.forEach((k, v) -> command.add("-D" + k + "=" + v));
    command.addAll(List.of("-jar", o.jar().toAbsolutePath().toString(), "worker"));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(work.resolve(name + ".log").toFile())
        .start();
  }

  /** Waits until every worker's consumers are members of the group (FCDS-8110 if one ends). */
  private void awaitWorkers(KafkaBroker broker, Path work) throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", broker.bootstrap());
    int wanted = o.workers() * o.concurrency();
    long until = System.nanoTime() + Duration.ofMinutes(4).toNanos();
    try (Admin admin = Admin.create(p)) {
      while (System.nanoTime() < until) {
        for (int i = 0; i < workers.size(); i++) {
          if (!workers.get(i).isAlive()) {
            throw new FcdsException(
                ErrorCode.DEMO_WORKER_FAILED,
                "a demo worker process did not start or join — worker-"
                    + i
                    + " ended with "
                    + workers.get(i).exitValue()
                    + ", see "
                    + work.resolve("worker-" + i + ".log"));
          }
        }
        var group =
            admin
                .describeConsumerGroups(List.of("fusion-cds-workers"))
                .all()
                .get()
                .get("fusion-cds-workers");
        if (group.members().size() >= wanted) {
          return;
        }
        Thread.sleep(500);
      }
    }
    throw new FcdsException(
        ErrorCode.DEMO_WORKER_FAILED,
        "a demo worker process did not start or join — fewer than "
            + wanted
            + " consumers in fusion-cds-workers after 4 min, see "
            + work);
  }

  private static KafkaConsumer<String, String> consumer(KafkaBroker broker, String topic) {
    return consumer(broker.bootstrap(), topic);
  }

  static KafkaConsumer<String, String> consumer(String bootstrap, String topic) {
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(ConsumerConfig.GROUP_ID_CONFIG, "demo-" + UUID.randomUUID());
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c);
    consumer.subscribe(List.of(topic));
    return consumer;
  }
}
