package org.fusioncds.cli;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedSet;
import java.util.concurrent.Callable;
import org.fusioncds.app.FusionCdsApp;
import org.fusioncds.audit.AuditShipper;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.inference.ModelRegistry;
import org.fusioncds.sandbox.SandboxEhr;
import org.fusioncds.sandbox.SandboxHookCalls;
import org.fusioncds.sandbox.SandboxServers;
import org.fusioncds.sandbox.SandboxSettings;
import org.fusioncds.sandbox.cohort.CohortGenerator;
import org.fusioncds.sandbox.cohort.CohortLoader;
import org.fusioncds.sandbox.cohort.CohortLoader.LoadedPatient;
import org.fusioncds.sandbox.cohort.SandboxChestCts;
import org.fusioncds.sandbox.cohort.VisitFrame;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Provenance;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code demo}: the whole product on embedded defaults, with no installed server. Generates a small
 * synthetic cohort (visits in the last day), starts the sandbox FHIR server (HAPI JPA on H2) and a
 * DICOMweb endpoint over the cohort's files, loads the patients, starts the service, calls its CDS
 * hook over HTTP as an EHR would, and prints the cards, the written report and its Provenance.
 */
@Command(
    name = "demo",
    description = "Run the service end to end on embedded servers and a synthetic cohort.")
public final class DemoCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The model the demo's imaging-fusion service runs (the service's default). */
  private static final String DEMO_MODEL = "cap-fusion";

  /** The model of the chest CT patients' service. */
  private static final String CT_MODEL = "nodule-ct";

  @Option(names = "--stay", description = "keep everything running and print the endpoints")
  boolean stay;

  @Option(names = "--patients", defaultValue = "12", description = "cohort size (default 12)")
  int patients;

  @Option(names = "--seed", defaultValue = "2026", description = "cohort seed (default 2026)")
  long seed;

  @Option(
      names = "--ct-patients",
      defaultValue = "3",
      description =
          "chest CT patients (nodule-ct cohort, 64-slice series) beside the radiograph cohort,"
              + " answered by the nodule-ct service (default 3; 0: none)")
  int ctPatients;

  @Option(names = "--models", defaultValue = "models", description = "model folders")
  Path models;

  @Option(
      names = "--kafka",
      description =
          "past one process: a Kafka broker, worker JVMs, a hook replica; the patients go through"
              + " backfill and a summary counted on the servers is printed")
  boolean kafka;

  @Option(
      names = "--workers",
      defaultValue = "2",
      description = "with --kafka: worker processes (default 2)")
  int workers;

  @Option(
      names = "--kill-worker",
      description = "with --kafka: SIGKILL one worker once a third of the jobs have finished")
  boolean killWorker;

  @Option(
      names = "--concurrency",
      defaultValue = "2",
      description = "with --kafka: jobs each worker evaluates at once (default 2)")
  int concurrency;

  @Option(
      names = "--study-age-days",
      defaultValue = "0",
      paramLabel = "D",
      description =
          "with --kafka: the visits fall D days before yesterday (older than the card's 48 h:"
              + " backfill evaluates each job as of its study's time)")
  int studyAgeDays;

  @Option(
      names = "--again",
      description =
          "with --kafka: run the backfill a second time over the same studies (it must create"
              + " nothing) and add its figures")
  boolean again;

  @Option(
      names = "--jar",
      paramLabel = "FILE",
      description = "with --kafka: the jar the workers run (default: this one, else target/)")
  Path jar;

  @Option(
      names = "--timeout-s",
      paramLabel = "S",
      description = "with --kafka: how long the jobs may take (default 120 + 3 per patient)")
  Long timeoutSeconds;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  /** The SMART launch of the first result card (as the EHR opens it), or null. */
  private String appLaunch;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (kafka) {
      if (workers < 1 || patients < 1 || concurrency < 1 || studyAgeDays < 0) {
        throw new picocli.CommandLine.ParameterException(
            spec.commandLine(),
            ErrorCode.CLI_INVALID_COMMAND.codeText()
                + ": --workers, --patients, --concurrency must be at least 1, --study-age-days"
                + " at least 0 — "
                + workers
                + ", "
                + patients
                + ", "
                + concurrency
                + ", "
                + studyAgeDays);
      }
      requireModels();
      return new ScaleDemo(
              new ScaleDemo.Options(
                  workers,
                  patients,
                  seed,
                  killWorker,
                  stay,
                  concurrency,
                  studyAgeDays,
                  models,
                  jar == null ? ownJar() : jar,
                  Duration.ofSeconds(timeoutSeconds == null ? 120 + 3L * patients : timeoutSeconds),
                  again),
              out,
              spec.commandLine().getErr())
          .run();
    }
    requireModels();
    Path work = Files.createTempDirectory("fusion-cds-demo");
    Path cohort = work.resolve("cohort");
    out.printf("fusion-cds demo — synthetic data, not for clinical use%n");
    CohortGenerator.generate(patients, seed, cohort, VisitFrame.dayBefore(Instant.now()));
    out.printf("- cohort: %d synthetic patients, visits in the last 24 h (%s)%n", patients, cohort);
    Path ctCohort = work.resolve("chest-ct");
    if (ctPatients > 0) {
      SandboxChestCts.generate(
          ctPatients,
          seed + 1,
          ctCohort,
          cohort.resolve("dicom"),
          VisitFrame.dayBefore(Instant.now()));
      out.printf(
          "- chest CT patients: %d synthetic (nodule-ct cohort, 64-slice series), served beside"
              + " the radiographs%n",
          ctPatients);
    }
    try (SandboxServers servers = SandboxServers.start(cohort.resolve("dicom"))) {
      out.printf("- FHIR server (HAPI JPA, H2): %s%n", servers.fhir().baseUrl());
      out.printf("- DICOMweb over the cohort's files: %s%n", servers.dicomWeb().baseUrl());
      IGenericClient fhir =
          FhirContext.forR4Cached().newRestfulGenericClient(servers.fhir().baseUrl());
      List<LoadedPatient> loaded = CohortLoader.load(fhir, cohort);
      List<LoadedPatient> chestCts = ctPatients > 0 ? CohortLoader.load(fhir, ctCohort) : List.of();
      int port = org.fusioncds.sandbox.FreePorts.find();
      String base = "http://127.0.0.1:" + port;
      String management = "http://127.0.0.1:" + org.fusioncds.sandbox.FreePorts.find();
      try (SandboxEhr ehr = SandboxEhr.start();
          FusionCdsApp app = FusionCdsApp.start(settings(port, servers, ehr, work, management))) {
        out.printf("- EHR (signs its hook calls; JWKS): %s%n", ehr.jwksUrl());
        out.printf("- CDS Hooks service: %s/cds-services%n", base);
        out.printf(
            "- metrics and health (management port): %s/metrics, /health/ready%n%n", management);
        String hook = base + "/cds-services/imaging-fusion";
        callHooks(out, fhir, servers.fhir().baseUrl(), hook, loaded, ehr);
        callCtHooks(out, fhir, servers.fhir().baseUrl(), base, chestCts, ehr);
        showRefusals(out, hook, servers.fhir().baseUrl(), loaded.get(0).id(), ehr);
        showAuditTrail(out, app, fhir);
        showRecalls(out, management);
        if (stay) {
          ObjectNode line = JSON.createObjectNode();
          line.put("cdsServices", base + "/cds-services");
          line.put("fhir", servers.fhir().baseUrl());
          line.put("dicomweb", servers.dicomWeb().baseUrl());
          line.put("metrics", management + "/metrics");
          line.put("ehrIssuer", ehr.issuer());
          line.set("ehrKey", JSON.readTree(ehr.privateKey().toJSONString()));
          line.put("app", base + "/app/");
          line.put("launch", appLaunch);
          out.println(line.toString());
          out.flush();
          Thread.currentThread().join();
        }
      }
    }
    return 0;
  }

  /** The jar this command runs from, else {@code target/fusion-cds.jar} (run from the tests). */
  static Path ownJar() {
    try {
      Path self =
          Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (self.toString().endsWith(".jar")) {
        return self;
      }
    } catch (Exception ignored) {
      // not from a file: the build's jar
    }
    return Path.of("target", "fusion-cds.jar");
  }

  /** What the management port counted: the repeated hooks answered from the index. */
  private static void showRecalls(PrintWriter out, String management) {
    try {
      HttpResponse<String> r =
          java.net.http.HttpClient.newHttpClient()
              .send(
                  java.net.http.HttpRequest.newBuilder(java.net.URI.create(management + "/metrics"))
                      .timeout(Duration.ofSeconds(10))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      java.util.regex.Matcher hit =
          java.util.regex.Pattern.compile(
                  "(?m)^fcds_recall_total\\{[^}]*result=\"hit\"[^}]*\\} ([0-9.eE+]+)$")
              .matcher(r.body());
      out.printf(
          "metrics (%s/metrics): hooks answered from the index, nothing gathered again: %s%n",
          management, hit.find() ? String.valueOf((long) Double.parseDouble(hit.group(1))) : "?");
    } catch (IOException e) {
      out.printf("metrics: the management port did not answer — %s%n", e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The models the demo serves are under {@code --models} before anything starts (a demo run from
   * outside the repository's root used to generate its cohort and start every server for 50 s
   * before it found no models): FCDS-5105 with the folder otherwise.
   */
  private void requireModels() {
    String hint = " (run the demo from the repository's root, or name the folder with --models)";
    if (!Files.isDirectory(models)) {
      throw new FcdsException(
          ErrorCode.MODELS_FOLDER, "models folder not found — " + models.toAbsolutePath() + hint);
    }
    SortedSet<String> found = ModelRegistry.cardIds(models);
    List<String> needed =
        kafka || ctPatients <= 0 ? List.of(DEMO_MODEL) : List.of(DEMO_MODEL, CT_MODEL);
    for (String id : needed) {
      if (!found.contains(id)) {
        throw new FcdsException(
            ErrorCode.MODELS_FOLDER,
            "no model card " + id + " under " + models.toAbsolutePath() + hint + " — " + found);
      }
    }
  }

  /** The sandbox settings (dev mode, the sandbox EHR trusted) and the demo's own. */
  private Map<String, String> settings(
      int port, SandboxServers servers, SandboxEhr ehr, Path work, String management) {
    Map<String, String> s =
        SandboxSettings.forApp(
            port, ehr, work, servers.fhir().baseUrl(), servers.dicomWeb().baseUrl());
    s.put("camel.management.port", management.substring(management.lastIndexOf(':') + 1));
    s.put("models.folder", models.toString());
    if (ctPatients > 0) {
      s.put("models.additional", CT_MODEL);
    }
    s.put("dicomweb.base-url", servers.dicomWeb().baseUrl());
    s.put("report.organization", "Organization/fusion-cds-demo");
    return s;
  }

  /** What the service refuses: an unsigned call, and a fhirServer that is not on the allowlist. */
  private static void showRefusals(
      PrintWriter out, String hook, String fhirBase, String patientId, SandboxEhr ehr)
      throws Exception {
    HttpResponse<String> unsigned = post(hook, body(fhirBase, patientId), null);
    out.printf(
        "== a call without the EHR's JWT: HTTP %d %s%n",
        unsigned.statusCode(), code(unsigned.body()));
    HttpResponse<String> elsewhere =
        post(hook, body("http://fhir.attacker.invalid/fhir", patientId), ehr.sign(hook));
    out.printf(
        "== a signed call naming a fhirServer off the allowlist: HTTP %d %s%n%n",
        elsewhere.statusCode(), code(elsewhere.body()));
  }

  private static String code(String operationOutcome) throws IOException {
    return JSON.readTree(operationOutcome)
        .path("issue")
        .path(0)
        .path("details")
        .path("text")
        .asText();
  }

  /** The audit trail, once shipped: how many AuditEvents the repository holds. */
  private static void showAuditTrail(PrintWriter out, FusionCdsApp app, IGenericClient fhir) {
    boolean shipped =
        app.camelContext()
            .getRegistry()
            .lookupByNameAndType("auditShipper", AuditShipper.class)
            .flush(Duration.ofSeconds(20));
    Bundle count =
        fhir.search()
            .forResource(AuditEvent.class)
            .summaryMode(ca.uhn.fhir.rest.api.SummaryEnum.COUNT)
            .returnBundle(Bundle.class)
            .execute();
    out.printf(
        "== audit trail: %d AuditEvents in the FHIR server%s (hook calls, refusals, FHIR and"
            + " DICOMweb reads, write-backs)%n",
        count.getTotal(), shipped ? "" : " (some still in the spool)");
  }

  /** One patient of each kind: image and labs, image without labs, no image; then a repeat. */
  private void callHooks(
      PrintWriter out,
      IGenericClient fhir,
      String fhirBase,
      String hook,
      List<LoadedPatient> patients,
      SandboxEhr ehr)
      throws Exception {
    List<LoadedPatient> chosen = new ArrayList<>();
    patients.stream()
        .filter(p -> p.image() && p.labs() && p.pneumonia())
        .findFirst()
        .ifPresent(chosen::add);
    patients.stream()
        .filter(p -> p.image() && p.labs() && !p.pneumonia())
        .findFirst()
        .ifPresent(chosen::add);
    patients.stream().filter(p -> p.image() && !p.labs()).findFirst().ifPresent(chosen::add);
    patients.stream().filter(p -> !p.image()).findFirst().ifPresent(chosen::add);
    for (LoadedPatient p : chosen) {
      out.printf(
          "== patient-view for Patient/%s (%s, %s; synthetic ground truth: %s)%n",
          p.id(),
          p.image() ? "radiograph" : "no radiograph",
          p.labs() ? "labs" : "no labs",
          p.pneumonia() ? "pneumonia" : "no pneumonia");
      long t0 = System.nanoTime();
      JsonNode answer = call(hook, fhirBase, p.id(), ehr);
      out.printf("   answered in %.0f ms%n", (System.nanoTime() - t0) / 1e6);
      printCards(out, fhir, answer);
      printAppLaunch(out, answer, fhirBase, p.id(), ehr);
    }
    if (!chosen.isEmpty()) {
      LoadedPatient again = chosen.get(0);
      long t0 = System.nanoTime();
      JsonNode answer = call(hook, fhirBase, again.id(), ehr);
      JsonNode card = answer.path("cards").path(0);
      String detail = card.path("detail").asText();
      out.printf(
          "== the same hook again for Patient/%s: answered in %.0f ms%n",
          again.id(), (System.nanoTime() - t0) / 1e6);
      out.printf(
          "   card [%s] %s%n", card.path("indicator").asText(), card.path("summary").asText());
      out.printf("        %s%n%n", detail.substring(detail.lastIndexOf("\n") + 1));
    }
    out.flush();
  }

  /** The nodule-ct service (its own entry in discovery) for up to two chest CT patients. */
  private void callCtHooks(
      PrintWriter out,
      IGenericClient fhir,
      String fhirBase,
      String base,
      List<LoadedPatient> patients,
      SandboxEhr ehr)
      throws Exception {
    String hook = base + "/cds-services/nodule-ct";
    for (LoadedPatient p : patients.stream().filter(LoadedPatient::image).limit(2).toList()) {
      out.printf(
          "== patient-view for Patient/%s on the nodule-ct service (chest CT, %s)%n",
          p.id(), p.labs() ? "CEA" : "no CEA");
      long t0 = System.nanoTime();
      JsonNode answer = call(hook, fhirBase, p.id(), ehr);
      out.printf(
          "   answered in %.0f ms (the CT series gathered over DICOMweb, slice by slice)%n",
          (System.nanoTime() - t0) / 1e6);
      printCards(out, fhir, answer);
      printAppLaunch(out, answer, fhirBase, p.id(), ehr);
    }
    out.flush();
  }

  /**
   * The SMART launch of a result card's {@code smart} link, as the EHR opens it: the link's URL
   * with {@code iss} (the FHIR server) and {@code launch} (signed by the EHR, 5 minutes, once).
   */
  private void printAppLaunch(
      PrintWriter out, JsonNode answer, String fhirBase, String patientId, SandboxEhr ehr) {
    for (JsonNode card : answer.path("cards")) {
      for (JsonNode link : card.path("links")) {
        if (!"smart".equals(link.path("type").asText())) {
          continue;
        }
        String url =
            link.path("url").asText()
                + "?iss="
                + java.net.URLEncoder.encode(fhirBase, java.nio.charset.StandardCharsets.UTF_8)
                + "&launch="
                + java.net.URLEncoder.encode(
                    ehr.launch(
                        link.path("url").asText(),
                        patientId,
                        fhirBase,
                        link.path("appContext").asText()),
                    java.nio.charset.StandardCharsets.UTF_8);
        out.printf("   SMART launch (as the EHR opens the card's app, 5 min, once): %s%n%n", url);
        if (appLaunch == null) {
          appLaunch = url;
        }
      }
    }
  }

  private static JsonNode call(String hook, String fhirBase, String patientId, SandboxEhr ehr)
      throws Exception {
    HttpResponse<String> r = post(hook, body(fhirBase, patientId), ehr.sign(hook));
    if (r.statusCode() != 200) {
      throw new FcdsException(
          ErrorCode.DEMO_HOOK_FAILED,
          "the demo hook call answered HTTP " + r.statusCode() + " — " + r.body());
    }
    return JSON.readTree(r.body());
  }

  private static ObjectNode body(String fhirBase, String patientId) {
    return SandboxHookCalls.patientView(fhirBase, patientId, "Practitioner/demo-clinician");
  }

  /** A hook call as the EHR makes it (CDS Hooks 2.0.1: {@code Authorization: Bearer <JWT>}). */
  private static HttpResponse<String> post(String hook, ObjectNode body, String jwt)
      throws IOException, InterruptedException {
    return SandboxHookCalls.post(hook, body, jwt);
  }

  /**
   * The report the card names. With {@code cds.card-timing=before-report} the card comes before the
   * report is written: it is read again every 100 ms until it is there (at most 30 s, then
   * FCDS-8060 naming it).
   */
  private static DiagnosticReport readReport(PrintWriter out, IGenericClient fhir, String url) {
    long start = System.nanoTime();
    boolean waited = false;
    while (true) {
      try {
        DiagnosticReport report =
            fhir.read().resource(DiagnosticReport.class).withUrl(url).execute();
        if (waited) {
          out.printf(
              Locale.ROOT,
              "   (the card came first: its report was there %.0f ms later)%n",
              (System.nanoTime() - start) / 1e6);
        }
        return report;
      } catch (ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException notYet) {
        waited = true;
        if (System.nanoTime() - start > java.time.Duration.ofSeconds(30).toNanos()) {
          throw new FcdsException(
              ErrorCode.DEMO_HOOK_FAILED,
              "the report the card names was not written within 30 s — " + url);
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new FcdsException(ErrorCode.DEMO_HOOK_FAILED, "interrupted waiting for " + url);
        }
      }
    }
  }

  private static void printCards(PrintWriter out, IGenericClient fhir, JsonNode answer) {
    for (JsonNode card : answer.path("cards")) {
      out.printf(
          "   card [%s] %s%n", card.path("indicator").asText(), card.path("summary").asText());
      out.printf("        source: %s%n", card.path("source").path("label").asText());
      String url = card.path("links").path(0).path("url").asText(null);
      if (url == null) {
        out.printf("        %s%n%n", card.path("detail").asText().replace("\n", " "));
        continue;
      }
      DiagnosticReport report = readReport(out, fhir, url);
      out.printf(
          "   DiagnosticReport/%s  status=%s  code=%s  issued=%s%n",
          report.getIdElement().getIdPart(),
          report.getStatus().toCode(),
          report.getCode().getCodingFirstRep().getCode(),
          report.getIssuedElement().getValueAsString());
      out.printf("        conclusion: %s%n", report.getConclusion());
      for (var form : report.getPresentedForm()) {
        out.printf(
            Locale.ROOT,
            "        presentedForm %s: %.1f kB  %s%n",
            form.getContentType(),
            form.getSize() / 1024.0,
            form.getUrl());
      }
      if (report.hasMedia()) {
        out.printf("        key image: %s%n", report.getMediaFirstRep().getLink().getReference());
      }
      Bundle provenance =
          fhir.search()
              .forResource(Provenance.class)
              .where(
                  Provenance.TARGET.hasId("DiagnosticReport/" + report.getIdElement().getIdPart()))
              .returnBundle(Bundle.class)
              .execute();
      for (Bundle.BundleEntryComponent e : provenance.getEntry()) {
        Provenance p = (Provenance) e.getResource();
        out.printf(
            "   Provenance/%s  recorded=%s  targets=%d  agents=%s%n",
            p.getIdElement().getIdPart(),
            p.getRecordedElement().getValueAsString(),
            p.getTarget().size(),
            p.getAgent().stream().map(a -> a.getWho().getReference()).toList());
        int instances = 0;
        for (Provenance.ProvenanceEntityComponent entity : p.getEntity()) {
          boolean dicom = !entity.getWhat().hasReference();
          String what =
              dicom ? entity.getWhat().getIdentifier().getValue() : entity.getWhat().getReference();
          if (dicom && ++instances > 2) {
            continue; // a CT series names every slice: two shown, the rest counted
          }
          out.printf(Locale.ROOT, "        entity (%s): %s%n", entity.getRole().toCode(), what);
        }
        if (instances > 2) {
          out.printf(
              Locale.ROOT, "        entity (source): … %d more DICOM instances%n", instances - 2);
        }
      }
      out.println();
    }
  }
}
