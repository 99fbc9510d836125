package org.fusioncds.cdshooks;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.CacheControlDirective;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.fusioncds.app.FusionCdsApp;
import org.fusioncds.conformance.ProfileValidator;
import org.fusioncds.dicom.DicomFile;
import org.fusioncds.dicom.DicomReader;
import org.fusioncds.dicom.Tag;
import org.fusioncds.dicom.web.DicomWebClient;
import org.fusioncds.flow.Profiles;
import org.fusioncds.flow.ResultKey;
import org.fusioncds.sandbox.ChangeBeforeTransaction;
import org.fusioncds.sandbox.FreePorts;
import org.fusioncds.sandbox.SandboxEhr;
import org.fusioncds.sandbox.SandboxFhirServer;
import org.fusioncds.sandbox.SandboxSettings;
import org.fusioncds.sandbox.TransactionAnswersLost;
import org.fusioncds.sandbox.TransactionsRefused;
import org.fusioncds.sandbox.cohort.CohortGenerator;
import org.fusioncds.sandbox.cohort.CohortShift;
import org.fusioncds.sandbox.cohort.NoduleCohortGenerator;
import org.fusioncds.sandbox.cohort.VisitFrame;
import org.fusioncds.testing.OrthancServer;
import org.fusioncds.testing.ReportsWritten;
import org.fusioncds.testing.SecuredApp;
import org.fusioncds.testing.TestData;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Endpoint;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Media;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The spine on real servers: the in-JVM HAPI FHIR JPA server, a real Orthanc with its DICOMweb
 * plugin, the real application with the committed model, and hook calls over HTTP as an EHR makes
 * them. Patients: a generated cohort whose visits fall in the day before now (radiographs uploaded
 * with STOW-RS), and a real Synthea patient without a recent radiograph.
 */
class HookSpineIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final FhirContext FHIR = FhirContext.forR4Cached();

  private static SandboxFhirServer fhirServer;
  private static OrthancServer orthanc;
  private static FusionCdsApp app;
  private static IGenericClient fhir;
  private static String hooks;
  private static final List<String> withImageAndLabs = new ArrayList<>();
  private static final List<String> withImageNoLabs = new ArrayList<>();
  private static List<String> outOfDistribution;
  private static String synthea;
  private static Path feedbackFolder;
  private static ProfileValidator profiles;
  private static SandboxEhr ehr;
  private static String ctHooks;
  private static final List<String> ctWithLabs = new ArrayList<>();
  private static String ctMissingSlice;
  private static String ctEnhanced;
  private static String ctEnhancedInstance;
  private static List<String> ctInstances;

  @BeforeAll
  static void startServersAndLoadPatients() throws Exception {
    fhirServer = SandboxFhirServer.start(new SandboxFhirServer.Settings(0, true));
    orthanc = OrthancServer.start();
    fhir = FHIR.newRestfulGenericClient(fhirServer.baseUrl());
    Path cohort = Files.createTempDirectory("spine").resolve("cohort");
    CohortGenerator.generate(24, 424242L, cohort, VisitFrame.dayBefore(Instant.now()));
    loadCohort(cohort);
    int before = withImageAndLabs.size();
    Path unlike = cohort.resolveSibling("extreme-labs");
    CohortGenerator.generate(
        4, 434343L, unlike, VisitFrame.dayBefore(Instant.now()), CohortShift.EXTREME_LABS);
    loadCohort(unlike);
    outOfDistribution = withImageAndLabs.subList(before, withImageAndLabs.size());
    assertTrue(
        before > 13, "fourteen patients of the cohort for the tests that write, got " + before);
    loadChestCts(cohort.resolveSibling("nodule-ct"));
    Bundle beatrice =
        FHIR.newJsonParser()
            .parseResource(
                Bundle.class,
                Files.readString(
                    TestData.path(
                        "fhir/synthea-r4/Beatrice_Aufderhar_5451401c-ab1b-4adc-9df6-c02e856e492a.json")));
    Bundle loaded = fhir.transaction().withBundle(beatrice).execute();
    synthea =
        loaded.getEntry().stream()
            .map(e -> e.getResponse().getLocation())
            .filter(l -> l.startsWith("Patient/"))
            .findFirst()
            .orElseThrow()
            .split("/")[1];
    feedbackFolder = Files.createTempDirectory("feedback");
    ehr = SandboxEhr.start();
    profiles = new ProfileValidator();
    int port = FreePorts.find();
    app = startApp(port, 20000);
    hooks = "http://127.0.0.1:" + port + "/cds-services/imaging-fusion";
    ctHooks = "http://127.0.0.1:" + port + "/cds-services/nodule-ct";
  }

  /**
   * Chest CT patients of the nodule-ct cohort (64 slices, one instance each, STOW-RS to Orthanc):
   * the first imaged one with a CEA keeps its whole series; the second loses its middle slice, as a
   * PACS that never received it; the third's series is stored as one Enhanced CT instance (its 64
   * slices as frames).
   */
  private static void loadChestCts(Path ct) throws Exception {
    NoduleCohortGenerator.generate(8, 515151L, ct, VisitFrame.dayBefore(Instant.now()));
    List<String> imageNoLabs = new ArrayList<>();
    loadCohort(ct, ctWithLabs, imageNoLabs, false);
    String whole = ctWithLabs.get(0);
    List<String> imaged = new ArrayList<>(ctWithLabs.subList(1, ctWithLabs.size()));
    imaged.addAll(imageNoLabs);
    ctMissingSlice = imaged.get(0);
    ctEnhanced = imaged.get(1);
    ctInstances = new ArrayList<>();
    for (String line : Files.readAllLines(ct.resolve("labels.csv"))) {
      String[] f = line.split(",");
      if (f[0].equals(whole)) {
        try (Stream<Path> files = Files.list(ct.resolve("dicom").resolve(f[1]))) {
          for (Path p : files.toList()) {
            try (DicomFile d = DicomReader.read(p)) {
              ctInstances.add(d.dataset().getString(Tag.SOPInstanceUID));
            }
          }
        }
      }
      if (f[0].equals(ctMissingSlice)) {
        List<Path> slices;
        try (Stream<Path> files = Files.list(ct.resolve("dicom").resolve(f[1]))) {
          slices = new ArrayList<>(files.toList());
        }
        slices.sort(
            java.util.Comparator.comparingDouble(
                p -> {
                  try (DicomFile d = DicomReader.read(p)) {
                    return d.dataset().getDoubles(Tag.ImagePositionPatient)[2];
                  }
                }));
        Files.delete(slices.get(slices.size() / 2));
      }
      if (f[0].equals(ctEnhanced)) {
        Path study = ct.resolve("dicom").resolve(f[1]);
        List<Path> slices;
        try (Stream<Path> files = Files.list(study)) {
          slices = files.toList();
        }
        java.util.UUID u = java.util.UUID.randomUUID();
        ctEnhancedInstance =
            "2.25."
                + new java.math.BigInteger(
                    1,
                    java.nio.ByteBuffer.allocate(16)
                        .putLong(u.getMostSignificantBits())
                        .putLong(u.getLeastSignificantBits())
                        .array());
        org.fusioncds.dicom.volume.EnhancedCtFixture.fromSlices(
            slices, ctEnhancedInstance, Map.of(), study.resolve("enhanced.dcm"));
        for (Path p : slices) {
          Files.delete(p);
        }
      }
    }
    assertEquals(64, ctInstances.size(), "the whole series");
    storeDicom(ct);
  }

  private static FusionCdsApp startApp(int port, long budgetMs) {
    return startApp(port, budgetMs, orthanc.dicomWebUrl().toString());
  }

  private static FusionCdsApp startApp(int port, long budgetMs, String dicomWebBase) {
    return startApp(port, budgetMs, dicomWebBase, false);
  }

  private static FusionCdsApp startApp(
      int port, long budgetMs, String dicomWebBase, boolean oodAbstain) {
    return startApp(port, budgetMs, dicomWebBase, oodAbstain, Map.of());
  }

  private static FusionCdsApp startApp(
      int port, long budgetMs, String dicomWebBase, boolean oodAbstain, Map<String, String> more) {
    Map<String, String> settings =
        SandboxSettings.forApp(
            port, ehr, feedbackFolder, fhirServer.baseUrl(), orthanc.dicomWebUrl().toString());
    settings.put("dicomweb.base-url", dicomWebBase);
    settings.put("cds.time-budget-ms", String.valueOf(budgetMs));
    settings.put("cds.feedback-folder", feedbackFolder.toString());
    settings.put("report.organization", "Organization/fusion-cds-demo");
    settings.put("inference.ood.abstain", String.valueOf(oodAbstain));
    settings.put("models.additional", "nodule-ct");
    // most checks read the report a card names at once: written before the card; the tests of
    // the default, before-report, name it
    settings.put("cds.card-timing", "after-report");
    settings.putAll(more);
    return FusionCdsApp.start(settings);
  }

  /**
   * An application with the card before its report ({@code cds.card-timing=before-report}), its
   * dead letters in {@code deadLetters} and the background retries given.
   */
  private static FusionCdsApp startBeforeReport(
      int port, Path deadLetters, int redeliveries, long delayMs, int multiplier) {
    return startApp(
        port,
        20000,
        orthanc.dicomWebUrl().toString(),
        false,
        Map.of(
            "cds.card-timing", "before-report",
            "cds.dead-letter-folder", deadLetters.toString(),
            "cds.background-retry.max-redeliveries", String.valueOf(redeliveries),
            "cds.background-retry.delay-ms", String.valueOf(delayMs),
            "cds.background-retry.multiplier", String.valueOf(multiplier)));
  }

  private static void loadCohort(Path cohort) throws Exception {
    loadCohort(cohort, withImageAndLabs, withImageNoLabs, true);
  }

  /** The cohort's bundles to FHIR (and its DICOM to Orthanc when {@code store}). */
  private static void loadCohort(
      Path cohort, List<String> withImageAndLabs, List<String> withImageNoLabs, boolean store)
      throws Exception {
    List<String> labels = Files.readAllLines(cohort.resolve("labels.csv"));
    try (Stream<Path> bundles = Files.list(cohort.resolve("fhir"))) {
      for (Path b : bundles.sorted().toList()) {
        Bundle bundle = FHIR.newJsonParser().parseResource(Bundle.class, Files.readString(b));
        fhir.transaction().withBundle(bundle).execute();
        String id = b.getFileName().toString().replace(".json", "");
        boolean image =
            labels.stream().anyMatch(l -> l.startsWith(id + ",") && !l.startsWith(id + ",,"));
        boolean labs =
            bundle.getEntry().stream()
                .anyMatch(
                    e ->
                        e.getResource() instanceof Observation o
                            && o.getCategoryFirstRep()
                                .getCodingFirstRep()
                                .getCode()
                                .equals("laboratory"));
        if (image && labs) {
          withImageAndLabs.add(id);
        } else if (image) {
          withImageNoLabs.add(id);
        }
      }
    }
    if (store) {
      storeDicom(cohort);
    }
  }

  /** Every DICOM file of the cohort to Orthanc over STOW-RS. */
  private static void storeDicom(Path cohort) throws Exception {
    try (Stream<Path> dicom = Files.walk(cohort.resolve("dicom"));
        DicomWebClient pacs =
            new DicomWebClient(
                orthanc.dicomWebUrl(),
                () -> null,
                Duration.ofSeconds(5),
                Duration.ofSeconds(30),
                1,
                Duration.ofMillis(50))) {
      pacs.store(dicom.filter(p -> p.toString().endsWith(".dcm")).toList());
    }
  }

  @AfterAll
  static void stopAll() {
    if (app != null) {
      app.close();
    }
    if (ehr != null) {
      ehr.close();
    }
    if (orthanc != null) {
      orthanc.close();
    }
    if (fhirServer != null) {
      fhirServer.close();
    }
  }

  @Test
  void hookWritesAPreliminaryReportWithProvenanceOfEveryVersionedInput() throws Exception {
    String patient = withImageAndLabs.get(0);

    JsonNode card = onlyCard(hook(patient, null));

    assertTrue(card.path("summary").asText().length() < 140);
    assertTrue(List.of("info", "warning", "critical").contains(card.path("indicator").asText()));
    assertTrue(card.path("source").path("label").asText().contains("not for clinical use"));
    String detail = card.path("detail").asText();
    assertTrue(
        Pattern.compile(
                "\\*\\*Inputs\\*\\*: [^\\n]*WBC [0-9.]+ \\S+ \\(([0-9.]+ (h|min) (before|after) |at )the image\\)")
            .matcher(detail)
            .find(),
        "the lab as a person reads it, value, unit as recorded, time to the image: " + detail);
    assertTrue(detail.contains("chest radiograph of "), "the image named: " + detail);
    assertFalse(
        detail.contains("_history")
            || detail.contains("Observation/")
            || detail.contains("urn:oid"),
        "no FHIR reference on the card: " + detail);
    String reportUrl = card.path("links").path(0).path("url").asText();
    DiagnosticReport report =
        fhir.read().resource(DiagnosticReport.class).withUrl(reportUrl).execute();
    assertEquals(DiagnosticReport.DiagnosticReportStatus.PRELIMINARY, report.getStatus());
    assertEquals("AIAST", report.getMeta().getSecurityFirstRep().getCode());
    assertEquals(ResultKey.SYSTEM, report.getIdentifierFirstRep().getSystem());
    assertEquals("Patient/" + patient, report.getSubject().getReference());
    assertEquals(1, report.getImagingStudy().size());
    Observation obs =
        fhir.read()
            .resource(Observation.class)
            .withUrl(report.getResultFirstRep().getReference())
            .execute();
    assertEquals("233604007", obs.getCode().getCodingFirstRep().getCode());
    double p = obs.getValueQuantity().getValue().doubleValue();
    assertTrue(p >= 0 && p <= 1);
    Device device =
        fhir.read().resource(Device.class).withUrl(obs.getDevice().getReference()).execute();
    assertTrue(device.getIdentifierFirstRep().getValue().startsWith("cap-fusion|"));
    Provenance provenance = provenanceOf(report);
    List<String> targets = provenance.getTarget().stream().map(Reference::getReference).toList();
    assertTrue(
        targets.stream()
            .anyMatch(t -> t.contains("DiagnosticReport/" + report.getIdElement().getIdPart())),
        targets.toString());
    assertTrue(targets.stream().anyMatch(t -> t.startsWith("Observation/")), targets.toString());
    List<String> entities =
        provenance.getEntity().stream()
            .filter(e -> e.getRole() == Provenance.ProvenanceEntityRole.SOURCE)
            .map(e -> e.getWhat().getReference())
            .filter(r -> r != null)
            .toList();
    assertTrue(
        entities.stream().anyMatch(e -> e.startsWith("ImagingStudy/") && e.contains("/_history/")),
        entities.toString());
    assertTrue(
        entities.stream().anyMatch(e -> e.startsWith("Observation/") && e.contains("/_history/")),
        entities.toString());
    assertTrue(
        entities.stream().allMatch(e -> e.contains("/_history/")),
        "every FHIR input is versioned: " + entities);
    assertTrue(
        provenance.getEntity().stream().anyMatch(e -> e.getWhat().hasIdentifier()),
        "the DICOM instance");
    assertModelCardNamedByDeviceAndProvenance(device, provenance);
    for (var written : List.of(report, obs, device, provenance)) {
      assertEquals(
          List.of(), profiles.errors(written), "conforms to its profile: " + written.fhirType());
    }
    assertFormsAndKeyImage(card, report, targets);
  }

  /**
   * The model card is on the server once per card text (AI Transparency's AIModelCard): the Device
   * references it, the Provenance names it as its one entity of role derivation, its identifier
   * holds the SHA-256 of the committed card file, whose bytes it carries.
   */
  private static void assertModelCardNamedByDeviceAndProvenance(
      Device device, Provenance provenance) throws Exception {
    List<Provenance.ProvenanceEntityComponent> derived =
        provenance.getEntity().stream()
            .filter(e -> e.getRole() == Provenance.ProvenanceEntityRole.DERIVATION)
            .toList();
    assertEquals(1, derived.size(), "one model card entity");
    String cardRef = derived.get(0).getWhat().getReference();
    assertTrue(cardRef.startsWith("DocumentReference/"), cardRef);
    assertEquals(
        cardRef,
        ((Reference) device.getExtensionByUrl(Profiles.EXT_MODEL_CARD).getValue()).getReference());
    org.hl7.fhir.r4.model.DocumentReference card =
        fhir.read()
            .resource(org.hl7.fhir.r4.model.DocumentReference.class)
            .withUrl(cardRef)
            .execute();
    byte[] file = Files.readAllBytes(Path.of("models/cap-fusion/model-card.yaml"));
    String sha =
        java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(file));
    assertEquals("cap-fusion|0.1.0|" + sha, card.getIdentifierFirstRep().getValue());
    assertArrayEquals(file, card.getContentFirstRep().getAttachment().getData());
    assertEquals(List.of(), profiles.errors(card), "conforms: ai-model-card");
    Bundle cards =
        fhir.search()
            .byUrl("DocumentReference?identifier=urn:fusion-cds:model-card|cap-fusion|0.1.0|" + sha)
            .cacheControl(new CacheControlDirective().setNoCache(true))
            .returnBundle(Bundle.class)
            .execute();
    assertEquals(1, cards.getEntry().size(), "one model card however many reports");
  }

  /**
   * The stored report carries its HTML and PDF/A forms as Binaries on the FHIR server (URL, size,
   * SHA-1 agree with what is stored), the key image as a Media the Provenance targets, each
   * conforming to its profile; the card's second link opens the HTML form in a browser.
   */
  private static void assertFormsAndKeyImage(
      JsonNode card, DiagnosticReport report, List<String> targets) throws Exception {
    assertEquals(
        List.of("text/html", "application/pdf"),
        report.getPresentedForm().stream().map(Attachment::getContentType).toList());
    for (Attachment form : report.getPresentedForm()) {
      Binary b = fhir.read().resource(Binary.class).withUrl(form.getUrl()).execute();
      assertEquals(form.getContentType(), b.getContentType());
      assertEquals(form.getSize(), b.getData().length);
      assertArrayEquals(form.getHash(), MessageDigest.getInstance("SHA-1").digest(b.getData()));
      assertEquals(List.of(), profiles.errors(b), "conforms: " + form.getContentType());
    }
    byte[] pdf =
        fhir.read()
            .resource(Binary.class)
            .withUrl(report.getPresentedForm().get(1).getUrl())
            .execute()
            .getData();
    assertTrue(pdf.length <= 300 * 1024, "PDF " + pdf.length + " B");
    try (PDDocument doc = Loader.loadPDF(pdf)) {
      assertTrue(new PDFTextStripper().getText(doc).contains("PRELIMINARY"));
    }
    Media media =
        fhir.read()
            .resource(Media.class)
            .withUrl(report.getMediaFirstRep().getLink().getReference())
            .execute();
    assertEquals("image/png", media.getContent().getContentType());
    assertTrue(media.getContent().getData().length > 1000, "the PNG inline");
    assertEquals(report.getSubject().getReference(), media.getSubject().getReference());
    assertEquals(List.of(), profiles.errors(media), "conforms: Media");
    String mediaId = media.getIdElement().toUnqualifiedVersionless().getValue();
    assertTrue(targets.stream().anyMatch(t -> t.startsWith(mediaId)), targets.toString());
    String htmlLink = card.path("links").path(1).path("url").asText();
    assertEquals(report.getPresentedForm().get(0).getUrl(), htmlLink);
    HttpResponse<String> page =
        HTTP.send(
            HttpRequest.newBuilder(java.net.URI.create(htmlLink))
                .header("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, page.statusCode());
    assertTrue(
        page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"),
        page.headers().toString());
    assertTrue(page.body().contains("AI-generated · PRELIMINARY"), page.body());
  }

  @Test
  void theSameHookTwiceWritesOneReportAndAnswersFromIt() throws Exception {
    String patient = withImageAndLabs.get(1);

    String first = onlyCard(hook(patient, null)).path("links").path(0).path("url").asText();
    JsonNode again = onlyCard(hook(patient, null));
    String second = again.path("links").path(0).path("url").asText();

    assertEquals(first, second);
    assertTrue(
        again.path("detail").asText().contains("the model was not run again"), again.toString());
    assertTrue(
        again.path("links").path(1).path("url").asText().contains("/Binary/fcds-html-"),
        "the cached card links the stored report's HTML form: " + again);
    DiagnosticReport report = fhir.read().resource(DiagnosticReport.class).withUrl(first).execute();
    Bundle same =
        fhir.search()
            .forResource(DiagnosticReport.class)
            .where(
                DiagnosticReport.IDENTIFIER
                    .exactly()
                    .systemAndCode(ResultKey.SYSTEM, report.getIdentifierFirstRep().getValue()))
            .returnBundle(Bundle.class)
            .execute();
    assertEquals(1, same.getTotal());
    assertEquals(1, report.getResult().size());
  }

  @Test
  void aChildIsOutsideTheModelsIntendedUseAndGetsAnInfoCardWithoutAReport() throws Exception {
    String patient = withImageAndLabs.get(7);
    org.hl7.fhir.r4.model.Patient p =
        fhir.read().resource(org.hl7.fhir.r4.model.Patient.class).withId(patient).execute();
    p.setBirthDateElement(
        new org.hl7.fhir.r4.model.DateType(
            java.time.LocalDate.now(java.time.ZoneOffset.UTC)
                .minusYears(9)
                .minusDays(40)
                .toString()));
    fhir.update().resource(p).execute();

    JsonNode card = onlyCard(hook(patient, null));

    assertEquals("info", card.path("indicator").asText(), card.toString());
    assertTrue(
        card.path("summary").asText().contains("outside the model's intended use"),
        card.toString());
    String detail = card.path("detail").asText();
    assertTrue(detail.contains("9 years old") && detail.contains("18–120 years"), detail);
    assertTrue(detail.contains("FCDS-4111"), detail);
    assertFalse(
        java.util.regex.Pattern.compile("probability \\**[0-9]").matcher(card.toString()).find(),
        "the model did not speak: " + card);
    assertEquals(0, card.path("links").size(), card.toString());
    Bundle reports = reportsOf(patient);
    assertEquals(0, reports.getEntry().size(), "no report for a case outside the intended use");
  }

  @Test
  void aPatientUnlikeTheTrainingDataGetsAnInfoCardWithoutAProbabilityOrReport() throws Exception {
    String patient = outOfDistribution.get(0);
    int port = FreePorts.find();
    JsonNode card;
    try (FusionCdsApp screening = startApp(port, 20000, orthanc.dicomWebUrl().toString(), true)) {
      card =
          onlyCard(
              hook("http://127.0.0.1:" + port + "/cds-services/imaging-fusion", patient, null));
    }

    assertEquals("info", card.path("indicator").asText(), card.toString());
    assertTrue(
        card.path("summary").asText().contains("unlike the model's training data"),
        card.toString());
    String detail = card.path("detail").asText();
    assertTrue(detail.contains("FCDS-5600") && detail.contains("distance"), detail);
    assertFalse(
        java.util.regex.Pattern.compile("probability \\**[0-9]").matcher(card.toString()).find(),
        "the model did not speak: " + card);
    Bundle reports = reportsOf(patient);
    assertEquals(0, reports.getEntry().size(), "no report for a case the model does not speak on");
  }

  @Test
  void concurrentIdenticalHooksWriteOneReport() throws Exception {
    String patient = withImageAndLabs.get(6);
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(4);
    List<java.util.concurrent.Future<JsonNode>> calls = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      calls.add(pool.submit(() -> onlyCard(hook(patient, null))));
    }
    List<String> urls = new ArrayList<>();
    for (var call : calls) {
      urls.add(call.get().path("links").path(0).path("url").asText());
    }
    pool.shutdown();

    assertEquals(1, urls.stream().distinct().count(), urls.toString());
    Bundle reports = reportsOf(patient);
    assertEquals(1, reports.getEntry().size());
  }

  @Test
  void prefetchedDataGiveTheSameResultAsQueriedData() throws Exception {
    String patient = withImageAndLabs.get(2);
    ObjectNode prefetch = JSON.createObjectNode();
    prefetch.set(
        "patient",
        JSON.readTree(
            FHIR.newJsonParser()
                .encodeResourceToString(
                    fhir.read().resource("Patient").withId(patient).execute())));
    prefetch.set("studies", search("ImagingStudy?patient=" + patient));
    prefetch.set("observations", search("Observation?patient=" + patient));
    prefetch.set("conditions", search("Condition?patient=" + patient));

    String withPrefetch =
        onlyCard(hook(patient, prefetch)).path("links").path(0).path("url").asText();
    String withoutPrefetch =
        onlyCard(hook(patient, null)).path("links").path(0).path("url").asText();

    assertEquals(withoutPrefetch, withPrefetch, "same inputs, same result key, same report");
  }

  @Test
  void patientWithoutLabsIsEvaluatedAndTheMissingLabsAreDisclosed() throws Exception {
    String patient = withImageNoLabs.get(0);

    JsonNode card = onlyCard(hook(patient, null));

    assertTrue(
        card.path("detail").asText().contains("**missing**: WBC"), card.path("detail").asText());
    DiagnosticReport report =
        fhir.read()
            .resource(DiagnosticReport.class)
            .withUrl(card.path("links").path(0).path("url").asText())
            .execute();
    assertTrue(report.getConclusion().contains("Inputs missing"), report.getConclusion());
    Provenance provenance = provenanceOf(report);
    assertFalse(provenance.getExtensionsByUrl(Profiles.EXT_MISSING_INPUT).isEmpty());
  }

  /**
   * The Patient read and the studies search go out side by side: the server's 404 for the patient
   * is the answer, whatever the search beside it got.
   */
  @Test
  void aPatientTheFhirServerDoesNotKnowIsAnsweredWith404Fcds3003() throws Exception {
    String unknown = "no-such-patient-" + UUID.randomUUID();
    HttpResponse<String> r =
        org.fusioncds.sandbox.SandboxHookCalls.post(
            hooks,
            org.fusioncds.sandbox.SandboxHookCalls.patientView(
                fhirServer.baseUrl(), unknown, "Practitioner/example"),
            ehr.sign(hooks),
            Duration.ofSeconds(60));

    assertEquals(404, r.statusCode(), r.body());
    assertTrue(r.body().contains("FCDS-3003"), r.body());
  }

  @Test
  void patientWithoutARecentRadiographGetsAnInfoCardSayingWhy() throws Exception {
    JsonNode card = onlyCard(hook(synthea, null));

    assertEquals("info", card.path("indicator").asText());
    assertTrue(
        card.path("summary").asText().contains("no recent chest radiograph"), card.toString());
    assertEquals(0, card.path("links").size());
  }

  @Test
  void pastTheTimeBudgetTheHookSaysAnalysisRunningAndTheReportFollows() throws Exception {
    String patient = withImageAndLabs.get(3);
    int port = FreePorts.find();
    JsonNode card;
    try (FusionCdsApp impatient = startApp(port, 0)) {
      card =
          onlyCard(
              hook("http://127.0.0.1:" + port + "/cds-services/imaging-fusion", patient, null));
      Bundle reports =
          await()
              .atMost(Duration.ofSeconds(20))
              .pollInterval(Duration.ofMillis(200))
              .until(() -> reportsOf(patient), r -> !r.getEntry().isEmpty());
      assertEquals(1, reports.getEntry().size(), "the report written after the answer");
    }
    assertEquals("info", card.path("indicator").asText());
    assertTrue(card.path("summary").asText().contains("analysis running"), card.toString());
  }

  /**
   * An "analysis running" card promises the report: the promise is journaled before the card is
   * answered. A process whose background write never lands (here the FHIR server refuses it, then
   * the process stops) leaves it pending, and the next start evaluates the case again and writes
   * the report the card promised.
   */
  @Test
  void theReportAnAnalysisRunningCardPromisedIsWrittenByTheNextStartWhenItsWriteNeverLanded()
      throws Exception {
    String patient = withImageAndLabs.get(11);
    Path deadLetters = Files.createTempDirectory("running-dead-letters");
    Path journal = deadLetters.resolve("pending-reports.jsonl");
    int port = FreePorts.find();
    try (FusionCdsApp refused =
        startApp(
            port,
            0,
            orthanc.dicomWebUrl().toString(),
            false,
            Map.of(
                "report.organization", "Organization/987654321",
                "cds.dead-letter-folder", deadLetters.toString(),
                "cds.background-retry.max-redeliveries", "1",
                "cds.background-retry.delay-ms", "10"))) {
      JsonNode card =
          onlyCard(
              hook("http://127.0.0.1:" + port + "/cds-services/imaging-fusion", patient, null));
      assertTrue(card.path("summary").asText().contains("analysis running"), card.toString());
      refusedAndPending(deadLetters, "finish-evaluation", patient);
    }
    int next = FreePorts.find();
    try (FusionCdsApp restarted =
        startApp(
            next,
            20000,
            orthanc.dicomWebUrl().toString(),
            false,
            Map.of("cds.dead-letter-folder", deadLetters.toString()))) {
      Bundle reports =
          await()
              .atMost(Duration.ofSeconds(30))
              .pollInterval(Duration.ofMillis(200))
              .until(() -> reportsOf(patient), b -> !b.getEntry().isEmpty());
      assertEquals(1, reports.getEntry().size(), "the promised report, once");
      DiagnosticReport report = (DiagnosticReport) reports.getEntry().get(0).getResource();
      assertEquals(DiagnosticReport.DiagnosticReportStatus.PRELIMINARY, report.getStatus());
      assertTrue(
          report.getIdElement().getIdPart().startsWith("fcds-report-"),
          "at the id its result key gives: " + report.getIdElement());
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> Files.readString(journal).contains("\"written\""));
    }
  }

  /**
   * A write the FHIR server refused: its dead letter (from {@code route}, FCDS-6001, no patient
   * id), its report still pending in the journal for the next start, nothing half-written.
   */
  private static void refusedAndPending(Path deadLetters, String route, String patient)
      throws Exception {
    Path file = deadLetters.resolve("dead-letters.jsonl");
    String letter =
        await()
            .atMost(Duration.ofSeconds(20))
            .pollInterval(Duration.ofMillis(100))
            .until(() -> Files.exists(file) ? Files.readString(file) : "", l -> !l.isEmpty());
    JsonNode line = new com.fasterxml.jackson.databind.ObjectMapper().readTree(letter);
    assertEquals(route, line.path("route").asText(), letter);
    assertEquals("FCDS-6001", line.path("code").asText(), letter);
    assertFalse(letter.contains(patient), "no patient id in a dead letter");
    Path journal = deadLetters.resolve("pending-reports.jsonl");
    String lines = Files.exists(journal) ? Files.readString(journal) : "";
    assertTrue(
        lines.contains("\"pending\"") && !lines.contains("\"written\""),
        "the refused report stays pending for the next start: " + lines);
    assertEquals(0, reportsOf(patient).getEntry().size(), "nothing half-written");
  }

  private static Bundle reportsOf(String patient) {
    return fhir.search()
        .byUrl("DiagnosticReport?subject=Patient/" + patient)
        .cacheControl(new CacheControlDirective().setNoCache(true))
        .returnBundle(Bundle.class)
        .execute();
  }

  /**
   * {@code cds.card-timing=before-report}: the result card comes before the transaction. A write
   * the FHIR server refuses (here: the report names an Organization it does not hold, at an id it
   * cannot make a placeholder of) leaves the card answered and becomes a dead letter with its code;
   * the next hook's write puts the report at the very URL both cards named.
   */
  @Test
  void withTheCardBeforeTheReportTheCardNamesTheReportWrittenBehindIt() throws Exception {
    String patient = withImageAndLabs.get(9);
    Path deadLetters = Files.createTempDirectory("dead-letters");
    int refusedPort = FreePorts.find();
    String refusedUrl = "http://127.0.0.1:" + refusedPort + "/cds-services/imaging-fusion";
    String namedFirst;
    try (FusionCdsApp refused =
        startApp(
            refusedPort,
            20000,
            orthanc.dicomWebUrl().toString(),
            false,
            Map.of(
                "cds.card-timing", "before-report",
                "report.organization", "Organization/987654321",
                "cds.dead-letter-folder", deadLetters.toString(),
                "cds.background-retry.max-redeliveries", "1",
                "cds.background-retry.delay-ms", "10"))) {
      JsonNode card = onlyCard(hook(refusedUrl, patient, null));
      namedFirst = card.path("links").path(0).path("url").asText();
      assertTrue(card.path("summary").asText().contains("probability"), card.toString());
      refusedAndPending(deadLetters, "report-after-card", patient);
    }
    int port = FreePorts.find();
    String url = "http://127.0.0.1:" + port + "/cds-services/imaging-fusion";
    try (FusionCdsApp eager =
        startApp(
            port,
            20000,
            orthanc.dicomWebUrl().toString(),
            false,
            Map.of("cds.card-timing", "before-report"))) {
      JsonNode card = onlyCard(hook(url, patient, null));

      String reportUrl = card.path("links").path(0).path("url").asText();
      assertTrue(
          reportUrl.startsWith(fhirServer.baseUrl() + "/DiagnosticReport/fcds-report-"),
          "the id the result key gives: " + reportUrl);
      assertEquals(namedFirst, reportUrl, "the same inputs name the same report");
      DiagnosticReport report = ReportsWritten.read(fhir, reportUrl, Duration.ofSeconds(20));
      ResultKey key = new ResultKey(report.getIdentifierFirstRep().getValue());
      assertEquals(key.fhirId("fcds-report"), report.getIdElement().getIdPart());
      assertEquals(DiagnosticReport.DiagnosticReportStatus.PRELIMINARY, report.getStatus());
      Observation obs =
          fhir.read()
              .resource(Observation.class)
              .withUrl(report.getResultFirstRep().getReference())
              .execute();
      assertTrue(
          card.path("summary")
              .asText()
              .endsWith(
                  String.format(
                      java.util.Locale.ROOT,
                      "probability %.2f",
                      obs.getValueQuantity().getValue().doubleValue())),
          "the card shows what the report holds: " + card.path("summary"));
      List<String> targets =
          provenanceOf(report).getTarget().stream().map(Reference::getReference).toList();
      assertTrue(
          targets.stream().anyMatch(t -> t.startsWith("DiagnosticReport/" + "fcds-report-")),
          targets.toString());
      Binary html =
          fhir.read()
              .resource(Binary.class)
              .withUrl(card.path("links").path(1).path("url").asText())
              .execute();
      assertEquals("text/html", html.getContentType(), "the card's link to read the report");

      JsonNode again = onlyCard(hook(url, patient, null));
      assertEquals(reportUrl, again.path("links").path(0).path("url").asText());
      assertTrue(
          again.path("detail").asText().contains("the model was not run again"), again.toString());
      Bundle versions =
          fhir.history()
              .onInstance(report.getIdElement().toUnqualifiedVersionless())
              .returnBundle(Bundle.class)
              .execute();
      assertEquals(
          1,
          versions.getEntry().size(),
          "read at its URL before it was written (the wait above), the report is written once");
    }
  }

  /**
   * {@code cds.card-timing=before-report}: the same chart opened again while its report is still
   * being written (here the FHIR server refuses transactions for a while, so the first write waits
   * for its retries). Both cards name the same report; one journal line, one write, one version.
   */
  @Test
  void aChartOpenedAgainWhileItsReportIsWrittenGetsTheSameCardAndTheReportIsWrittenOnce()
      throws Exception {
    String patient = withImageAndLabs.get(10);
    Path deadLetters = Files.createTempDirectory("dead-letters");
    int port = FreePorts.find();
    String url = "http://127.0.0.1:" + port + "/cds-services/imaging-fusion";
    TransactionsRefused refusal = fhirServer.refuseTransactions();
    try (FusionCdsApp eager = startBeforeReport(port, deadLetters, 20, 250, 1)) {
      JsonNode first = onlyCard(hook(url, patient, null));
      JsonNode second = onlyCard(hook(url, patient, null));
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(50))
          .until(refusal::refused, n -> n >= 1);
      refusal.end();

      String reportUrl = first.path("links").path(0).path("url").asText();
      assertEquals(reportUrl, second.path("links").path(0).path("url").asText());
      assertEquals(first.path("summary").asText(), second.path("summary").asText());
      Path journal = deadLetters.resolve("pending-reports.jsonl");
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> Files.readString(journal), j -> j.contains("\"written\""));
      List<String> lines = Files.readAllLines(journal);
      assertEquals(
          1,
          lines.stream().filter(l -> l.startsWith("{\"pending\"")).count(),
          "one report named, one line: " + lines);
      DiagnosticReport report =
          fhir.read().resource(DiagnosticReport.class).withUrl(reportUrl).execute();
      Bundle versions =
          fhir.history()
              .onInstance(report.getIdElement().toUnqualifiedVersionless())
              .returnBundle(Bundle.class)
              .execute();
      assertEquals(1, versions.getEntry().size(), "two cards, one write");
    } finally {
      refusal.end();
    }
  }

  /**
   * The background write's retry after an attempt that landed with its answer lost (the server
   * committed the transaction and answered 504, as a gateway timing out in front of it would): a
   * clinician finalised the report in between, and the retry finds the report by its result key and
   * writes nothing over it; the journal is settled.
   */
  @Test
  void aRetriedWriteWhoseFirstAttemptLandedLeavesTheReportAsAClinicianAmendedIt() throws Exception {
    String patient = withImageAndLabs.get(12);
    Path deadLetters = Files.createTempDirectory("dead-letters");
    int port = FreePorts.find();
    String url = "http://127.0.0.1:" + port + "/cds-services/imaging-fusion";
    try (FusionCdsApp eager = startBeforeReport(port, deadLetters, 2, 4000, 2)) {
      TransactionAnswersLost loss =
          fhirServer.loseTransactionAnswers(1, "DiagnosticReport", "Patient/" + patient);
      String reportUrl =
          onlyCard(hook(url, patient, null)).path("links").path(0).path("url").asText();
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(50))
          .until(loss::lost, n -> n == 1);
      DiagnosticReport landed =
          fhir.read().resource(DiagnosticReport.class).withUrl(reportUrl).execute();
      landed.setStatus(DiagnosticReport.DiagnosticReportStatus.FINAL);
      landed.setConclusion("Reviewed by a radiologist: consolidation right lower lobe.");
      fhir.update().resource(landed).execute();
      Path journal = deadLetters.resolve("pending-reports.jsonl");
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> Files.readString(journal), j -> j.contains("\"written\""));

      DiagnosticReport now =
          fhir.read().resource(DiagnosticReport.class).withUrl(reportUrl).execute();
      assertEquals(DiagnosticReport.DiagnosticReportStatus.FINAL, now.getStatus());
      assertEquals(landed.getConclusion(), now.getConclusion());
      Bundle versions =
          fhir.history()
              .onInstance(now.getIdElement().toUnqualifiedVersionless())
              .returnBundle(Bundle.class)
              .execute();
      assertEquals(2, versions.getEntry().size(), "the write and the clinician's amendment");
      assertFalse(
          Files.exists(deadLetters.resolve("dead-letters.jsonl")),
          "the retry settled the write: no dead letter");
    }
  }

  /**
   * Between the write's lookup (no report with the key) and its transaction, another writer (a
   * second replica) wrote the same transaction and a clinician withdrew its report (entered in
   * error): the transaction replaces nothing but a preliminary report of its key, so the server
   * refuses it (409), the retries change nothing, and the write settles on that report, found by
   * its key and not remembered by the index: two versions, the last one withdrawn, and the next
   * hook says the result was withdrawn.
   */
  @Test
  void aReportWithdrawnBetweenTheLookupAndTheWriteStaysWithdrawnAndIsAnsweredSo() throws Exception {
    String patient = withImageAndLabs.get(13);
    Path deadLetters = Files.createTempDirectory("dead-letters");
    int port = FreePorts.find();
    String url = "http://127.0.0.1:" + port + "/cds-services/imaging-fusion";
    ChangeBeforeTransaction withdrawn =
        fhirServer.changeBeforeTransaction(
            "DiagnosticReport",
            "Patient/" + patient,
            sameWrite -> {
              Bundle written = fhir.transaction().withBundle(sameWrite).execute();
              String location =
                  written.getEntry().stream()
                      .map(e -> e.getResponse().getLocation())
                      .filter(l -> l != null && l.startsWith("DiagnosticReport/"))
                      .findFirst()
                      .orElseThrow();
              DiagnosticReport report =
                  fhir.read()
                      .resource(DiagnosticReport.class)
                      .withUrl(new IdType(location).toUnqualifiedVersionless())
                      .execute();
              report.setStatus(DiagnosticReport.DiagnosticReportStatus.ENTEREDINERROR);
              fhir.update().resource(report).execute();
            });
    try (FusionCdsApp eager = startBeforeReport(port, deadLetters, 2, 4000, 2)) {
      String reportUrl =
          onlyCard(hook(url, patient, null)).path("links").path(0).path("url").asText();
      Path journal = deadLetters.resolve("pending-reports.jsonl");
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> Files.exists(journal) && Files.readString(journal).contains("\"written\""));

      assertEquals(1, withdrawn.made());
      DiagnosticReport now =
          fhir.read().resource(DiagnosticReport.class).withUrl(reportUrl).execute();
      assertEquals(DiagnosticReport.DiagnosticReportStatus.ENTEREDINERROR, now.getStatus());
      Bundle versions =
          fhir.history()
              .onInstance(now.getIdElement().toUnqualifiedVersionless())
              .returnBundle(Bundle.class)
              .execute();
      assertEquals(2, versions.getEntry().size(), "the other writer's and the withdrawal");
      assertFalse(
          Files.exists(deadLetters.resolve("dead-letters.jsonl")),
          "the write settled on the report found by its key: no dead letter");
      JsonNode again = onlyCard(hook(url, patient, null));
      assertTrue(again.path("summary").asText().contains("withdrawn"), again.toString());
      assertEquals(0, again.path("links").size(), "no link to the withdrawn result: " + again);
    }
  }

  @Test
  void theStudysDicomWebEndpointNamesThePacsWhenNoDefaultIsConfigured() throws Exception {
    String patient = withImageAndLabs.get(5);
    Endpoint pacs = new Endpoint();
    pacs.setStatus(Endpoint.EndpointStatus.ACTIVE);
    pacs.setConnectionType(
        new Coding(
            "http://terminology.hl7.org/CodeSystem/endpoint-connection-type",
            "dicom-wado-rs",
            "DICOM WADO-RS"));
    pacs.addPayloadType().setText("DICOM");
    pacs.setAddress(orthanc.dicomWebUrl().toString());
    String endpoint =
        fhir.create().resource(pacs).execute().getId().toUnqualifiedVersionless().getValue();
    ImagingStudy study =
        (ImagingStudy)
            fhir.search()
                .byUrl("ImagingStudy?patient=" + patient)
                .returnBundle(Bundle.class)
                .execute()
                .getEntryFirstRep()
                .getResource();
    study.addEndpoint(new Reference(endpoint));
    fhir.update().resource(study).execute();
    int port = FreePorts.find();
    JsonNode card;
    try (FusionCdsApp noDefaultPacs = startApp(port, 20000, "")) {
      card =
          onlyCard(
              hook("http://127.0.0.1:" + port + "/cds-services/imaging-fusion", patient, null));
    }

    String detail = card.path("detail").asText();
    assertTrue(detail.contains("chest radiograph of "), "the image was used: " + detail);
    assertFalse(detail.matches("(?s).*\\*\\*missing\\*\\*: [^\\n]*\\bimage\\b.*"), detail);
    DiagnosticReport report =
        fhir.read()
            .resource(DiagnosticReport.class)
            .withUrl(card.path("links").path(0).path("url").asText())
            .execute();
    assertEquals(
        "ImagingStudy/" + study.getIdElement().getIdPart() + "/_history/2",
        report.getImagingStudyFirstRep().getReference(),
        "the report names the study version read");
  }

  @Test
  void feedbackOnACardIsStoredWithTheModelVersionTheReportAndAnOfferedReason() throws Exception {
    JsonNode card = onlyCard(hook(withImageAndLabs.get(4), null));
    JsonNode reasons = card.path("overrideReasons");
    assertEquals(5, reasons.size(), "the model card's override reasons: " + card);
    JsonNode offered = reasons.get(1);
    assertEquals("My reading of the image differs", offered.path("display").asText());
    String feedback =
        "{\"feedback\":[{\"card\":\""
            + card.path("uuid").asText()
            + "\",\"outcome\":\"overridden\","
            + "\"overrideReason\":{\"reason\":"
            + offered
            + ",\"userComment\":\"clear film\"},"
            + "\"outcomeTimestamp\":\"2026-11-28T10:00:00Z\"}]}";

    HttpResponse<String> ok = post(hooks + "/feedback", feedback);
    HttpResponse<String> unknown =
        post(
            hooks + "/feedback",
            feedback.replace(card.path("uuid").asText(), UUID.randomUUID().toString()));
    HttpResponse<String> badOutcome =
        post(hooks + "/feedback", feedback.replace("overridden", "ignored"));
    HttpResponse<String> notOffered =
        post(hooks + "/feedback", feedback.replace("image-reading", "disagree"));
    HttpResponse<String> longComment =
        post(hooks + "/feedback", feedback.replace("clear film", "x".repeat(501)));
    HttpResponse<String> acceptedWithReason =
        post(hooks + "/feedback", feedback.replace("overridden", "accepted"));

    assertEquals(200, ok.statusCode(), ok.body());
    List<String> lines = Files.readAllLines(feedbackFolder.resolve("feedback.jsonl"));
    assertEquals(1, lines.size(), "only the valid item was stored: " + lines);
    JsonNode stored = JSON.readTree(lines.get(0));
    assertEquals(card.path("uuid").asText(), stored.path("card").asText());
    assertEquals("cap-fusion", stored.path("model").asText());
    assertEquals("0.1.0", stored.path("modelVersion").asText());
    assertEquals(card.path("links").path(0).path("url").asText(), stored.path("report").asText());
    assertEquals("overridden", stored.path("outcome").asText());
    assertEquals(
        "image-reading", stored.path("overrideReason").path("reason").path("code").asText());
    assertEquals("clear film", stored.path("overrideReason").path("userComment").asText());
    assertFalse(stored.has("offeredReasons"), "what the card offered stays with the card");
    assertEquals(404, unknown.statusCode());
    assertTrue(unknown.body().contains("FCDS-1022"), unknown.body());
    assertEquals(400, badOutcome.statusCode());
    assertTrue(badOutcome.body().contains("FCDS-1023"), badOutcome.body());
    for (HttpResponse<String> r : List.of(notOffered, longComment, acceptedWithReason)) {
      assertEquals(400, r.statusCode(), r.body());
      assertTrue(r.body().contains("FCDS-1025"), r.body());
      assertTrue(
          r.body().contains("OperationOutcome") || r.body().contains("overrideReason"), r.body());
    }
    assertTrue(notOffered.body().contains("disagree"), notOffered.body());
    assertTrue(longComment.body().contains("501 characters"), longComment.body());
    assertReviewOnTheFhirServer(card, feedback);
  }

  /**
   * The stored override is on the FHIR server as the clinician's review of the report: a Provenance
   * with a verifier agent (the hook's userId), the report's version, the coded reason and no free
   * text; the same feedback again writes nothing new; the write is audited; a report that cannot be
   * found any more (its result key changed) leaves the feedback stored and audits FCDS-6401.
   */
  private static void assertReviewOnTheFhirServer(JsonNode card, String feedback) throws Exception {
    DiagnosticReport report =
        fhir.read()
            .resource(DiagnosticReport.class)
            .withUrl(card.path("links").path(0).path("url").asText())
            .execute();
    Provenance review = reviewOf(report);
    assertTrue(review.getIdElement().getIdPart().startsWith("fcds-review-"), review.getId());
    assertEquals("1", review.getMeta().getVersionId());
    assertEquals(
        "DiagnosticReport/"
            + report.getIdElement().getIdPart()
            + "/_history/"
            + report.getMeta().getVersionId(),
        review.getTargetFirstRep().getReference());
    assertEquals("verifier", review.getAgentFirstRep().getType().getCodingFirstRep().getCode());
    assertEquals("Practitioner/example", review.getAgentFirstRep().getWho().getReference());
    assertEquals("overridden", review.getActivity().getCodingFirstRep().getCode());
    assertEquals("image-reading", review.getReasonFirstRep().getCodingFirstRep().getCode());
    assertFalse(
        FHIR.newJsonParser().encodeResourceToString(review).contains("clear film"),
        "the clinician's comment stays in the feedback store");
    assertEquals(List.of(), profiles.errors(review), "conforms: ai-review-provenance");

    long t0 = System.nanoTime();
    HttpResponse<String> again = post(hooks + "/feedback", feedback);
    long againMs = (System.nanoTime() - t0) / 1_000_000;

    assertEquals(200, again.statusCode(), again.body());
    assertEquals(2, Files.readAllLines(feedbackFolder.resolve("feedback.jsonl")).size());
    Provenance same = reviewOf(report);
    assertEquals(review.getIdElement().getIdPart(), same.getIdElement().getIdPart());
    assertEquals("1", same.getMeta().getVersionId(), "the same feedback twice: one version");
    String reviewId = review.getIdElement().getIdPart();
    List<String> seen = new ArrayList<>();
    try {
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(250))
          .until(
              () -> {
                List<org.hl7.fhir.r4.model.AuditEvent> u = auditedUpdates(null);
                seen.clear();
                u.forEach(e -> seen.add(FHIR.newJsonParser().encodeResourceToString(e)));
                return u.stream().anyMatch(e -> names(e, reviewId));
              });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError("no audited update of " + reviewId + " among " + seen, e);
    }

    report.getIdentifierFirstRep().setValue("moved-" + report.getIdentifierFirstRep().getValue());
    fhir.update().resource(report).execute();
    HttpResponse<String> lost =
        post(hooks + "/feedback", feedback.replace("10:00:00Z", "10:07:00Z"));

    assertEquals(200, lost.statusCode(), "the feedback is taken: " + lost.body());
    assertEquals(3, Files.readAllLines(feedbackFolder.resolve("feedback.jsonl")).size());
    assertEquals(1, reviewsOf(report).size(), "no review of a report not found");
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> !auditedUpdates("FCDS-6401").isEmpty());
    System.out.println("feedback posted again (search + PUT, no new version): " + againMs + " ms");
  }

  private static Provenance reviewOf(DiagnosticReport report) {
    List<Provenance> reviews = reviewsOf(report);
    assertEquals(1, reviews.size(), "one review of the report");
    return reviews.get(0);
  }

  private static List<Provenance> reviewsOf(DiagnosticReport report) {
    return fhir
        .search()
        .forResource(Provenance.class)
        .where(Provenance.TARGET.hasId("DiagnosticReport/" + report.getIdElement().getIdPart()))
        .cacheControl(new CacheControlDirective().setNoCache(true))
        .returnBundle(Bundle.class)
        .execute()
        .getEntry()
        .stream()
        .map(e -> (Provenance) e.getResource())
        .filter(p -> p.getMeta().hasProfile(Profiles.PROFILE_REVIEW))
        .toList();
  }

  /** AuditEvents of review writes (BALP Update) on the server, with the outcome code if given. */
  private static List<org.hl7.fhir.r4.model.AuditEvent> auditedUpdates(String code) {
    return fhir
        .search()
        .byUrl("AuditEvent?subtype=http://hl7.org/fhir/restful-interaction|update&_count=100")
        .cacheControl(new CacheControlDirective().setNoCache(true))
        .returnBundle(Bundle.class)
        .execute()
        .getEntry()
        .stream()
        .map(e -> (org.hl7.fhir.r4.model.AuditEvent) e.getResource())
        .filter(e -> code == null || code.equals(e.getOutcomeDesc()))
        .toList();
  }

  private static boolean names(org.hl7.fhir.r4.model.AuditEvent e, String reviewId) {
    return e.getEntity().stream()
            .anyMatch(
                x -> String.valueOf(x.getWhat().getReference()).contains("Provenance/" + reviewId))
        && e.getAgent().stream()
            .anyMatch(a -> "Practitioner/example".equals(a.getWho().getReference()));
  }

  @Test
  void aChestCtPatientGetsTheNoduleCardAndAReportWhoseProvenanceNamesEverySlice() throws Exception {
    String patient = ctWithLabs.get(0);

    long t0 = System.nanoTime();
    JsonNode card = onlyCard(hook(ctHooks, patient, null));
    long ms = (System.nanoTime() - t0) / 1_000_000;

    System.out.printf(
        "nodule-ct hook: series of %d slices gathered from Orthanc (QIDO, WADO metadata, frames"
            + " in parallel), built, resampled, inferred and written in %d ms%n",
        ctInstances.size(), ms);
    String detail = card.path("detail").asText();
    assertFalse(
        detail.matches("(?s).*\\*\\*missing\\*\\*: [^\\n]*\\bimage\\b.*"),
        "the volume was used: " + detail);
    DiagnosticReport report =
        fhir.read()
            .resource(DiagnosticReport.class)
            .withUrl(card.path("links").path(0).path("url").asText())
            .execute();
    assertEquals(DiagnosticReport.DiagnosticReportStatus.PRELIMINARY, report.getStatus());
    assertEquals("Patient/" + patient, report.getSubject().getReference());
    Observation obs =
        fhir.read()
            .resource(Observation.class)
            .withUrl(report.getResultFirstRep().getReference())
            .execute();
    assertEquals("363358000", obs.getCode().getCodingFirstRep().getCode());
    Device device =
        fhir.read().resource(Device.class).withUrl(obs.getDevice().getReference()).execute();
    assertTrue(device.getIdentifierFirstRep().getValue().startsWith("nodule-ct|"));
    Provenance provenance = provenanceOf(report);
    List<String> instances =
        provenance.getEntity().stream()
            .filter(e -> e.getWhat().hasIdentifier())
            .map(e -> e.getWhat().getIdentifier().getValue())
            .sorted()
            .toList();
    assertEquals(
        ctInstances.stream().map(u -> "urn:oid:" + u).sorted().toList(),
        instances,
        "every instance of the series, named in the Provenance");
    assertTrue(
        htmlForm(report).contains("64 instances of one series, resampled to 72×56×48 voxels"),
        "the inputs table lists the series the model read");
    assertTrue(
        provenance.getEntity().stream()
            .filter(e -> e.getRole() == Provenance.ProvenanceEntityRole.SOURCE)
            .filter(e -> e.getWhat().hasReference())
            .allMatch(e -> e.getWhat().getReference().contains("/_history/")),
        "every FHIR input is versioned (the model card, a derivation, is not an input)");
    for (var written : List.of(report, obs, device, provenance)) {
      assertEquals(
          List.of(), profiles.errors(written), "conforms to its profile: " + written.fhirType());
    }
  }

  /** The report's HTML form (its first presentedForm), as the inbox shows it. */
  private static String htmlForm(DiagnosticReport report) {
    return new String(
        fhir.read()
            .resource(Binary.class)
            .withUrl(report.getPresentedForm().get(0).getUrl())
            .execute()
            .getData(),
        java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void aChestCtStoredAsOneEnhancedCtInstanceIsBuiltFromItsFramesAndItsProvenanceNamesIt()
      throws Exception {
    JsonNode card = onlyCard(hook(ctHooks, ctEnhanced, null));

    String detail = card.path("detail").asText();
    assertFalse(
        detail.matches("(?s).*\\*\\*missing\\*\\*: [^\\n]*\\bimage\\b.*"),
        "the volume was built from the 64 frames: " + detail);
    DiagnosticReport report =
        fhir.read()
            .resource(DiagnosticReport.class)
            .withUrl(card.path("links").path(0).path("url").asText())
            .execute();
    assertEquals("Patient/" + ctEnhanced, report.getSubject().getReference());
    assertFalse(report.getConclusion().contains("Inputs missing"), report.getConclusion());
    assertEquals(
        List.of("urn:oid:" + ctEnhancedInstance),
        provenanceOf(report).getEntity().stream()
            .filter(e -> e.getWhat().hasIdentifier())
            .map(e -> e.getWhat().getIdentifier().getValue())
            .toList(),
        "the one instance whose frames made the volume");
    String html = htmlForm(report);
    assertTrue(
        html.contains(
            "The model read the CT series as a volume of 72 × 56 × 48 voxels of 4 × 4 × 5 mm"),
        "the form says what the model read, not that it took no image");
    assertFalse(html.contains("No image was used"), "the image was used");
    assertTrue(
        html.contains("1 instance of one series, resampled to 72×56×48 voxels"),
        "the inputs table lists the series the model read");
  }

  @Test
  void aChestCtWithAMissingSliceIsAnsweredWithTheImageMissingAndItsCodedReason() throws Exception {
    JsonNode card = onlyCard(hook(ctHooks, ctMissingSlice, null));

    String detail = card.path("detail").asText();
    assertTrue(
        detail.matches("(?s).*\\*\\*missing\\*\\*: [^\\n]*\\bimage\\b.*"),
        "the image disclosed as missing on the card: " + detail);
    DiagnosticReport report =
        fhir.read()
            .resource(DiagnosticReport.class)
            .withUrl(card.path("links").path(0).path("url").asText())
            .execute();
    assertTrue(report.getConclusion().contains("Inputs missing"), report.getConclusion());
    assertTrue(report.getConclusion().contains("image"), report.getConclusion());
    Provenance provenance = provenanceOf(report);
    assertTrue(
        provenance.getExtensionsByUrl(Profiles.EXT_MISSING_INPUT).stream()
            .anyMatch(e -> e.getValue().primitiveValue().equals("image")),
        "the Provenance names the missing image");
    assertFalse(
        provenance.getEntity().stream().anyMatch(e -> e.getWhat().hasIdentifier()),
        "no DICOM instance used");
    String html = htmlForm(report);
    assertTrue(html.contains("FCDS-2405"), "the report says why: the gap in the slices");
  }

  @Test
  void discoveryListsOneServicePerModelAndEachAnswersWithItsOwn() throws Exception {
    HttpResponse<String> discovery =
        HTTP.send(
            SecuredApp.signed(ehr, hooks.substring(0, hooks.lastIndexOf('/'))).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    JsonNode services = JSON.readTree(discovery.body()).path("services");
    assertEquals(
        List.of("imaging-fusion", "nodule-ct"),
        List.of(services.path(0).path("id").asText(), services.path(1).path("id").asText()));
    assertTrue(services.path(1).path("prefetch").path("observations").asText().contains("2039-6"));

    JsonNode radiograph = onlyCard(hook(withImageAndLabs.get(8), null));
    JsonNode ctOnRadiographService = onlyCard(hook(ctWithLabs.get(0), null));

    Observation obs =
        fhir.read()
            .resource(Observation.class)
            .withUrl(
                fhir.read()
                    .resource(DiagnosticReport.class)
                    .withUrl(radiograph.path("links").path(0).path("url").asText())
                    .execute()
                    .getResultFirstRep()
                    .getReference())
            .execute();
    assertEquals("233604007", obs.getCode().getCodingFirstRep().getCode(), "cap-fusion's finding");
    assertEquals("info", ctOnRadiographService.path("indicator").asText());
    assertTrue(
        ctOnRadiographService.path("links").isEmpty()
            || !ctOnRadiographService
                .path("links")
                .path(0)
                .path("url")
                .asText()
                .contains("DiagnosticReport"),
        "no radiograph, no cap-fusion report: " + ctOnRadiographService);
  }

  private static HttpResponse<String> post(String url, String body) throws Exception {
    return HTTP.send(
        SecuredApp.signed(ehr, url)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static Provenance provenanceOf(DiagnosticReport report) {
    Bundle found =
        fhir.search()
            .forResource(Provenance.class)
            .where(Provenance.TARGET.hasId("DiagnosticReport/" + report.getIdElement().getIdPart()))
            .returnBundle(Bundle.class)
            .execute();
    assertEquals(1, found.getEntry().size(), "one Provenance for the report");
    return (Provenance) found.getEntryFirstRep().getResource();
  }

  private static JsonNode search(String url) throws Exception {
    Bundle b = fhir.search().byUrl(url).returnBundle(Bundle.class).execute();
    return JSON.readTree(FHIR.newJsonParser().encodeResourceToString(b));
  }

  private static JsonNode hook(String patient, JsonNode prefetch) throws Exception {
    return hook(hooks, patient, prefetch);
  }

  private static JsonNode hook(String url, String patient, JsonNode prefetch) throws Exception {
    return SecuredApp.patientView(ehr, url, fhirServer.baseUrl(), patient, prefetch);
  }

  private static JsonNode onlyCard(JsonNode response) {
    assertEquals(1, response.path("cards").size(), response.toString());
    JsonNode card = response.path("cards").path(0);
    assertNotNull(card.path("uuid").asText(null));
    return card;
  }
}
