package org.fusioncds.bench;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.fusioncds.app.FusionCdsApp;
import org.fusioncds.sandbox.FreePorts;
import org.fusioncds.sandbox.SandboxEhr;
import org.fusioncds.sandbox.SandboxServers;
import org.fusioncds.sandbox.SandboxSettings;
import org.fusioncds.sandbox.cohort.CohortGenerator;
import org.fusioncds.sandbox.cohort.CohortLoader;
import org.fusioncds.sandbox.cohort.VisitFrame;
import org.fusioncds.testing.RequestTap;

/**
 * The hook benchmark (fusion-cds issue 4): a {@code main}, not a test. In one run, on the sandbox
 * servers (HAPI FHIR JPA on H2, DICOMweb over the cohort folder) and the real service (CDS Hooks
 * 2.0.1 over HTTP): (1) the first hook call of fresh patients against the raw FHIR R4 / DICOMweb
 * (PS3.18) fetches of the same bytes and the raw {@code OrtSession.run} on the same tensors; (2)
 * the cached answer at 1, 10 and 50 concurrent callers beside plain FHIR reads ({@code GET
 * Patient/id}) of the same server at the same concurrency. Prints a table on stdout (logs: stderr).
 *
 * <p>Run from the repository root (about 2 minutes on 2 cores):
 *
 * <pre>
 * mvn -B -q install -DskipTests &amp;&amp; mvn -q -pl fusion-cds-dist dependency:build-classpath \
 *     -Dmdep.outputFile=target/cp.txt \
 *   &amp;&amp; CLASSPATH=fusion-cds-dist/target/classes:fusion-cds-dist/target/test-classes:$(cat \
 *      fusion-cds-dist/target/cp.txt) java org.fusioncds.bench.HookBenchmark
 * </pre>
 *
 * The class path goes in {@code CLASSPATH} (or a {@code java @argfile}), not after {@code -cp}:
 * with a command line longer than about 4 KB, loading ONNX Runtime 1.29.0's native library kills
 * the JVM with SIGSEGV (exit 139, no hs_err file), seen here with this project's class path.
 *
 * <p>Settings (system properties): {@code bench.patients} (30), {@code bench.warmup} (5), {@code
 * bench.calls} per concurrency level (400), {@code bench.levels} (1,10,50), {@code bench.cohort}
 * (cohort size, 60), {@code bench.seed} (4242).
 */
public final class HookBenchmark {

  private static final int PATIENTS = Integer.getInteger("bench.patients", 30);
  private static final int WARMUP = Integer.getInteger("bench.warmup", 5);
  private static final int CALLS = Integer.getInteger("bench.calls", 400);
  private static final String LEVELS = System.getProperty("bench.levels", "1,10,50");
  private static final int COHORT = Integer.getInteger("bench.cohort", 60);
  private static final long SEED = Long.getLong("bench.seed", 4242L);

  private HookBenchmark() {}

  public static void main(String[] args) throws Exception {
    long start = System.nanoTime();
    Report.environment();
    Path work = Files.createTempDirectory("fusion-cds-bench");
    Path cohort = work.resolve("cohort");
    CohortGenerator.generate(COHORT, SEED, cohort, VisitFrame.dayBefore(Instant.now()));
    try (SandboxServers servers = SandboxServers.start(cohort.resolve("dicom"))) {
      String fhirBase = servers.fhir().baseUrl();
      String dicomBase = servers.dicomWeb().baseUrl();
      List<String> eligible = load(fhirBase, cohort);
      int needed = 1 + WARMUP + PATIENTS;
      if (eligible.size() < needed) {
        throw new IllegalStateException(
            eligible.size()
                + " patients with image and labs, need "
                + needed
                + ": raise bench.cohort");
      }
      Report.line(
          "cohort: %d patients, %d with radiograph and labs; setup %.0f s",
          COHORT, eligible.size(), (System.nanoTime() - start) / 1e9);
      ServiceRequests requests = learn(eligible.get(0), fhirBase, dicomBase, work);
      Report.requests(requests);
      int port = FreePorts.find();
      try (FusionCdsApp app = startApp(port, fhirBase, dicomBase, work.resolve("service"));
          RawModel model = new RawModel(Path.of("models"), "cap-fusion")) {
        String hookUrl = "http://127.0.0.1:" + port + "/cds-services/imaging-fusion";
        HookClient hook = new HookClient(hookUrl, fhirBase, Duration.ofSeconds(60));
        List<String> measured = eligible.subList(1 + WARMUP, needed);
        try (FirstCallProbe probe = new FirstCallProbe(hook, requests, model, dicomBase)) {
          for (String p : eligible.subList(1, 1 + WARMUP)) {
            probe.measure(p);
          }
          List<FirstCallProbe.Sample> samples = new ArrayList<>();
          for (String p : measured) {
            samples.add(probe.measure(p));
          }
          Report.firstCalls(samples);
        }
        CachedLoad load = new CachedLoad(CachedLoad.cachedHooks(hook), measured);
        CachedLoad plain = new CachedLoad(CachedLoad.plainReads(fhirBase), measured);
        load.run(2, Math.min(60, CALLS));
        plain.run(2, Math.min(60, CALLS));
        List<CachedLoad.Level> levels = new ArrayList<>();
        List<CachedLoad.Level> floors = new ArrayList<>();
        for (String l : LEVELS.split(",")) {
          int callers = Integer.parseInt(l.trim());
          floors.add(plain.run(callers, CALLS)); // the floor first, then the hook, same level
          levels.add(load.run(callers, CALLS));
        }
        Report.cached(levels, floors);
      }
    }
    Report.line("total run time %.0f s", (System.nanoTime() - start) / 1e9);
    EHR.close();
  }

  /** The EHR that signs every hook call of the benchmark (its JWT is part of what is timed). */
  static final SandboxEhr EHR = SandboxEhr.start();

  private static FusionCdsApp startApp(int port, String fhirBase, String dicomBase, Path work) {
    Map<String, String> settings = SandboxSettings.forApp(port, EHR, work, fhirBase, dicomBase);
    settings.put("models.folder", "models");
    settings.put("dicomweb.base-url", dicomBase);
    settings.put("cds.time-budget-ms", "20000");
    settings.put("report.organization", "Organization/fusion-cds-demo");
    return FusionCdsApp.start(settings);
  }

  /** One first hook call through two taps, on a separate instance of the service, then closed. */
  private static ServiceRequests learn(String patient, String fhirBase, String dicomBase, Path work)
      throws Exception {
    int port = FreePorts.find();
    try (RequestTap fhirTap = new RequestTap(fhirBase);
        RequestTap dicomTap = new RequestTap(dicomBase);
        FusionCdsApp app =
            startApp(port, fhirTap.baseUrl(), dicomTap.baseUrl(), work.resolve("tapped"))) {
      HookClient.Answer a =
          new HookClient(
                  "http://127.0.0.1:" + port + "/cds-services/imaging-fusion",
                  fhirTap.baseUrl(),
                  Duration.ofSeconds(60))
              .call(patient);
      if (a.status() != 200 || a.reportUrl() == null) {
        throw new IllegalStateException("tapped hook call: HTTP " + a.status() + " " + a.body());
      }
      return new ServiceRequests(fhirTap.seen(), dicomTap.seen(), patient, fhirBase, dicomBase);
    }
  }

  /** Loads the cohort; the ids of patients with a radiograph and labs, in file order. */
  private static List<String> load(String fhirBase, Path cohort) throws Exception {
    IGenericClient fhir = FhirContext.forR4Cached().newRestfulGenericClient(fhirBase);
    return CohortLoader.load(fhir, cohort).stream()
        .filter(p -> p.image() && p.labs())
        .map(CohortLoader.LoadedPatient::id)
        .toList();
  }
}
