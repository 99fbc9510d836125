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
      // one tapped patient, then a group of warm-up and measured patients for each card timing
      int group = settings.warmup() + settings.patients();
      int needed = 1 + 2 * group;
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
      int port = FreePorts.find();
      List<String> measured = eligible.subList(1 + settings.warmup(), 1 + group);
      try (RawModel model = new RawModel(settings.models(), settings.model(), settings.device())) {
        try (FusionCdsApp app =
            startApp(port, fhirBase, dicomBase, work.resolve("service"), "after-report")) {
          HookClient hook = hookClient(port, fhirBase);
          firstCalls(hook, requests, model, dicomBase, eligible.subList(1, 1 + group), false);
          cached(hook, fhirBase, measured, app);
        }
        int eager = FreePorts.find();
        try (FusionCdsApp app =
            startApp(eager, fhirBase, dicomBase, work.resolve("card-first"), "before-report")) {
          firstCalls(
              hookClient(eager, fhirBase),
              requests,
              model,
              dicomBase,
              eligible.subList(1 + group, needed),
              true);
        }
      }
    }
    Report.line("hook part: %.0f s", (System.nanoTime() - start) / 1e9);
  }

  private HookClient hookClient(int port, String fhirBase) {
    String hookUrl = "http://127.0.0.1:" + port + "/cds-services/imaging-fusion";
    return new HookClient(hookUrl, fhirBase, Duration.ofSeconds(60), ehr);
  }

  /** The first calls of a group: its warm-up patients, then those measured. */
  private void firstCalls(
      HookClient hook,
      ServiceRequests requests,
      RawModel model,
      String dicomBase,
      List<String> group,
      boolean cardFirst)
      throws Exception {
    try (FirstCallProbe probe = new FirstCallProbe(hook, requests, model, dicomBase)) {
      for (String p : group.subList(0, settings.warmup())) {
        probe.measure(p);
      }
      List<FirstCallProbe.Sample> samples = new ArrayList<>();
      for (String p : group.subList(settings.warmup(), group.size())) {
        samples.add(probe.measure(p));
      }
      Report.firstCalls(samples, cardFirst);
    }
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
