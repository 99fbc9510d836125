package org.fusioncds.bench;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.fusioncds.app.FusionCdsApp;
import org.fusioncds.audit.AuditShipper;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.sandbox.FreePorts;
import org.fusioncds.sandbox.RequestTap;
import org.fusioncds.sandbox.SandboxEhr;
import org.fusioncds.sandbox.SandboxServers;
import org.fusioncds.sandbox.SandboxSettings;
import org.fusioncds.sandbox.cohort.CohortGenerator;
import org.fusioncds.sandbox.cohort.CohortLoader;
import org.fusioncds.sandbox.cohort.VisitFrame;

/**
 * Part {@code hook} of {@code fusion-cds bench}. In one run, on the sandbox servers (HAPI FHIR JPA
 * on H2, DICOMweb over the cohort folder) and the real service (CDS Hooks 2.0.1 over HTTP): (1) the
 * first hook call of fresh patients against the raw FHIR R4 / DICOMweb (PS3.18) fetches of the same
 * bytes and the raw {@code OrtSession.run} on the same tensors; (2) the cached answer at each
 * concurrency level beside plain FHIR reads ({@code GET Patient/id}) of the same server at the same
 * concurrency. Prints its tables through {@link Report}.
 */
final class HookBenchmark {

  private final BenchSettings settings;
  private final SandboxEhr ehr;

  /** {@code ehr} signs every hook call of the benchmark (its JWT is part of what is timed). */
  HookBenchmark(BenchSettings settings, SandboxEhr ehr) {
    this.settings = settings;
    this.ehr = ehr;
  }

  void run() throws Exception {
    long start = System.nanoTime();
    Path work = settings.work().resolve("hook");
    Path cohort = work.resolve("cohort");
    CohortGenerator.generate(
        settings.cohort(), settings.seed(), cohort, VisitFrame.dayBefore(Instant.now()));
    try (SandboxServers servers = SandboxServers.start(cohort.resolve("dicom"))) {
      String fhirBase = servers.fhir().baseUrl();
      String dicomBase = servers.dicomWeb().baseUrl();
      List<String> eligible = load(fhirBase, cohort);
      // one tapped patient, then warm-up and measured patients for both card timings, alternating
      int needed = 1 + 2 * (settings.warmup() + settings.patients());
      if (eligible.size() < needed) {
        throw new FcdsException(
            ErrorCode.CLI_INVALID_COMMAND,
            "too few patients with radiograph and labs for --patients and --warmup: raise --cohort"
                + " — "
                + eligible.size()
                + " of "
                + settings.cohort()
                + ", need "
                + needed);
      }
      Report.line(
          "cohort: %d patients, %d with radiograph and labs; setup %.0f s",
          settings.cohort(), eligible.size(), (System.nanoTime() - start) / 1e9);
      ServiceRequests requests = learn(eligible.get(0), fhirBase, dicomBase, work);
      Report.requests(requests);
      int eagerPort = FreePorts.find();
      try (RawModel model = new RawModel(settings.models(), settings.model(), settings.device());
          FusionCdsApp eager =
              startApp(
                  eagerPort, fhirBase, dicomBase, work.resolve("card-first"), "before-report")) {
        HookClient eagerHook = hookClient(eagerPort, fhirBase);
        List<String> cached;
        int latePort = FreePorts.find();
        try (FusionCdsApp late =
            startApp(latePort, fhirBase, dicomBase, work.resolve("service"), "after-report")) {
          cached =
              firstCalls(
                  hookClient(latePort, fhirBase),
                  new RouteTimes(late),
                  eagerHook,
                  new RouteTimes(eager),
                  requests,
                  model,
                  dicomBase,
                  eligible.subList(1, needed));
        }
        // the cached calls on the default timing's instance, its measured patients' reports written
        cached(eagerHook, fhirBase, cached, eager);
      }
    }
    Report.line("hook part: %.0f s", (System.nanoTime() - start) / 1e9);
  }

  private HookClient hookClient(int port, String fhirBase) {
    String hookUrl = "http://127.0.0.1:" + port + "/cds-services/imaging-fusion";
    return new HookClient(hookUrl, fhirBase, Duration.ofSeconds(60), ehr);
  }

  /**
   * The first calls of both card timings, patient by patient in turn (after-report, before-report,
   * ...) so that both meet the servers in the same state: the warm-up patients, then those
   * measured. The patients measured with {@code before-report}, whose reports are written.
   */
  private List<String> firstCalls(
      HookClient late,
      RouteTimes lateRoutes,
      HookClient eager,
      RouteTimes eagerRoutes,
      ServiceRequests requests,
      RawModel model,
      String dicomBase,
      List<String> patients)
      throws Exception {
    List<FirstCallProbe.Sample> lateSamples = new ArrayList<>();
    List<FirstCallProbe.Sample> eagerSamples = new ArrayList<>();
    List<String> eagerMeasured = new ArrayList<>();
    try (FirstCallProbe lateProbe =
            new FirstCallProbe(late, lateRoutes, requests, model, dicomBase);
        FirstCallProbe eagerProbe =
            new FirstCallProbe(eager, eagerRoutes, requests, model, dicomBase)) {
      for (int i = 0; i < patients.size(); i += 2) {
        boolean measured = i >= 2 * settings.warmup();
        FirstCallProbe.Sample a = lateProbe.measure(patients.get(i));
        FirstCallProbe.Sample b = eagerProbe.measure(patients.get(i + 1));
        if (measured) {
          lateSamples.add(a);
          eagerSamples.add(b);
          eagerMeasured.add(patients.get(i + 1));
        }
      }
    }
    Report.firstCalls(lateSamples, false);
    Report.firstCalls(eagerSamples, true);
    return eagerMeasured;
  }

  private void cached(HookClient hook, String fhirBase, List<String> measured, FusionCdsApp app)
      throws Exception {
    AuditShipper shipper =
        app.camelContext().getRegistry().lookupByNameAndType("auditShipper", AuditShipper.class);
    int warm = Math.min(60, settings.calls());
    Map<String, JsonNode> prefetch = new HashMap<>();
    for (String p : measured) {
      prefetch.put(p, hook.prefetch(p));
    }
    CachedLoad load = new CachedLoad(CachedLoad.cachedHooks(hook), measured);
    CachedLoad prefetched = new CachedLoad(CachedLoad.cachedHooks(hook, prefetch), measured);
    CachedLoad plain = new CachedLoad(CachedLoad.plainReads(fhirBase), measured);
    load.run(2, warm);
    prefetched.run(2, warm);
    plain.run(2, warm);
    // then as many calls as the busiest level makes, at its callers: the JIT compiles the paths a
    // concurrent level takes (a service answering chart opens all day runs them compiled), for the
    // hooks and their floor alike
    int busiest = settings.levels().stream().mapToInt(Integer::intValue).max().orElse(1);
    int busiestCalls = settings.callsAt(busiest);
    load.run(busiest, busiestCalls);
    prefetched.run(busiest, busiestCalls);
    plain.run(busiest, busiestCalls);
    List<CachedLoad.Level> levels = new ArrayList<>();
    List<CachedLoad.Level> withPrefetch = new ArrayList<>();
    List<CachedLoad.Level> floors = new ArrayList<>();
    shipped(shipper);
    for (int callers : settings.levels()) {
      int calls = settings.callsAt(callers);
      floors.add(plain.run(callers, calls)); // the floor first, then the hooks, same level
      levels.add(load.run(callers, calls).shipped(shipped(shipper)));
      withPrefetch.add(prefetched.run(callers, calls).shipped(shipped(shipper)));
    }
    Report.cached("without prefetch (the service reads the versions)", levels, floors);
    Report.cached(
        "with the EHR's prefetch (the service reads only the report)", withPrefetch, floors);
  }

  /** Waits until the service has shipped every AuditEvent waiting; the seconds it took. */
  private static double shipped(AuditShipper shipper) {
    long t0 = System.nanoTime();
    if (!shipper.flush(Duration.ofMinutes(5))) {
      throw new IllegalStateException("the audit backlog was not shipped within 5 minutes");
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  private FusionCdsApp startApp(int port, String fhirBase, String dicomBase, Path work) {
    return startApp(port, fhirBase, dicomBase, work, "after-report");
  }

  private FusionCdsApp startApp(
      int port, String fhirBase, String dicomBase, Path work, String cardTiming) {
    Map<String, String> app = SandboxSettings.forApp(port, ehr, work, fhirBase, dicomBase);
    app.put("cds.card-timing", cardTiming);
    app.put("models.folder", settings.models().toString());
    app.put("models.model", settings.model());
    app.put("inference.device", settings.device());
    app.put("dicomweb.base-url", dicomBase);
    app.put("cds.time-budget-ms", "20000");
    app.put("report.organization", "Organization/fusion-cds-demo");
    return FusionCdsApp.start(app);
  }

  /** One first hook call through two taps, on a separate instance of the service, then closed. */
  private ServiceRequests learn(String patient, String fhirBase, String dicomBase, Path work)
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
                  Duration.ofSeconds(60),
                  ehr)
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
