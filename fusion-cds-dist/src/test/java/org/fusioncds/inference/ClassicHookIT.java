package org.fusioncds.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.fusioncds.app.FusionCdsApp;
import org.fusioncds.assemble.InputAssembler;
import org.fusioncds.dicom.web.DicomWebClient;
import org.fusioncds.export.CohortExporter;
import org.fusioncds.flow.ModelInputs;
import org.fusioncds.model.ModelCards;
import org.fusioncds.sandbox.FreePorts;
import org.fusioncds.sandbox.SandboxEhr;
import org.fusioncds.sandbox.SandboxFhirServer;
import org.fusioncds.sandbox.SandboxSettings;
import org.fusioncds.sandbox.cohort.CohortGenerator;
import org.fusioncds.sandbox.cohort.VisitFrame;
import org.fusioncds.testing.OrthancServer;
import org.fusioncds.testing.ReportsWritten;
import org.fusioncds.testing.SecuredApp;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The classical model served end to end, as {@code HookSpineIT} serves the demo model: the in-JVM
 * HAPI FHIR JPA server, a real Orthanc, the real application started with {@code models.model =
 * cap-classic}, hook calls over HTTP. The probability written back is the one the card's default
 * graph (the random forest; then the stacked layer, in a copy of the card that declares {@code
 * strategy: stacked}) gives for the same patient assembled from the cohort's files.
 */
class ClassicHookIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final FhirContext FHIR = FhirContext.forR4Cached();
  private static final String ID = "cap-classic";

  private static SandboxFhirServer fhirServer;
  private static OrthancServer orthanc;
  private static SandboxEhr ehr;
  private static IGenericClient fhir;
  private static Path work;
  private static final Map<String, ModelInputs> imaged = new LinkedHashMap<>();

  @BeforeAll
  static void startServersAndLoadPatients() throws Exception {
    fhirServer = SandboxFhirServer.start(new SandboxFhirServer.Settings(0, true));
    orthanc = OrthancServer.start();
    ehr = SandboxEhr.start();
    fhir = FHIR.newRestfulGenericClient(fhirServer.baseUrl());
    work = Files.createTempDirectory("classic-hook");
    Path cohort = work.resolve("cohort");
    CohortGenerator.generate(8, 515151L, cohort, VisitFrame.dayBefore(Instant.now()));
    load(cohort);
    new CohortExporter(
            new InputAssembler(ModelCards.load(Path.of("models", ID, "model-card.yaml"))))
        .forEachCase(
            cohort,
            c -> {
              if (c.inputs().missing().stream().noneMatch(m -> m.what().equals("image"))) {
                imaged.put(c.patientId(), c.inputs());
              }
            });
  }

  private static void load(Path cohort) throws Exception {
    try (Stream<Path> bundles = Files.list(cohort.resolve("fhir"));
        Stream<Path> dicom = Files.walk(cohort.resolve("dicom"));
        DicomWebClient pacs =
            new DicomWebClient(
                orthanc.dicomWebUrl(),
                () -> null,
                Duration.ofSeconds(5),
                Duration.ofSeconds(30),
                1,
                Duration.ofMillis(50))) {
      for (Path b : bundles.sorted().toList()) {
        fhir.transaction()
            .withBundle(FHIR.newJsonParser().parseResource(Bundle.class, Files.readString(b)))
            .execute();
      }
      pacs.store(dicom.filter(p -> p.toString().endsWith(".dcm")).toList());
    }
  }

  @AfterAll
  static void stopAll() {
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

  private static FusionCdsApp start(int port, Path models) {
    Map<String, String> settings =
        SandboxSettings.forApp(
            port, ehr, work, fhirServer.baseUrl(), orthanc.dicomWebUrl().toString());
    settings.put("dicomweb.base-url", orthanc.dicomWebUrl().toString());
    settings.put("cds.time-budget-ms", "20000");
    settings.put("report.organization", "Organization/fusion-cds-demo");
    settings.put("models.folder", models.toString());
    settings.put("models.model", ID);
    return FusionCdsApp.start(settings);
  }

  /** The served probability of the patient's report, and the Device that made it. */
  private static Observation servedResult(int port, String patient) throws Exception {
    String url = "http://127.0.0.1:" + port + "/cds-services/imaging-fusion";
    JsonNode answer = SecuredApp.patientView(ehr, url, fhirServer.baseUrl(), patient, null);
    JsonNode cards = answer.path("cards");
    assertEquals(1, cards.size(), answer.toString());
    String reportUrl = cards.path(0).path("links").path(0).path("url").asText();
    // the card comes before the report (cds.card-timing=before-report): read it once written
    DiagnosticReport report = ReportsWritten.read(fhir, reportUrl, Duration.ofSeconds(20));
    return fhir.read()
        .resource(Observation.class)
        .withUrl(report.getResultFirstRep().getReference())
        .execute();
  }

  private static double offline(Path models, String graph, ModelInputs in) {
    try (ModelRegistry r = ModelRegistry.open(models, ID, InferenceSettings.cpu())) {
      return r.run(in, graph).outputs().get(0).probability();
    }
  }

  @Test
  void theHookServesTheRandomForestOfTheFeatureRfCard() throws Exception {
    Path models = Path.of("models").toAbsolutePath();
    Map.Entry<String, ModelInputs> patient = imaged.entrySet().iterator().next();
    int port = FreePorts.find();

    Observation obs;
    try (FusionCdsApp app = start(port, models)) {
      obs = servedResult(port, patient.getKey());
    }

    double expected = offline(models, "rf", patient.getValue());
    assertEquals(expected, obs.getValueQuantity().getValue().doubleValue(), 6e-4);
    Device device =
        fhir.read().resource(Device.class).withUrl(obs.getDevice().getReference()).execute();
    assertTrue(
        device.getIdentifierFirstRep().getValue().startsWith(ID + "|"),
        device.getIdentifierFirstRep().getValue());
  }

  @Test
  void theHookServesTheStackedLayerOfAStackedCard() throws Exception {
    Path models = Files.createDirectories(work.resolve("stacked-models"));
    Path folder = Files.createDirectories(models.resolve(ID));
    try (Stream<Path> files = Files.list(Path.of("models", ID))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Files.copy(f, folder.resolve(f.getFileName()));
      }
    }
    Path card = folder.resolve("model-card.yaml");
    Files.writeString(
        card,
        Files.readString(card)
            .replace("strategy: feature-rf", "strategy: stacked")
            .replace("defaultGraph: rf", "defaultGraph: stacked"));
    var patients = imaged.entrySet().stream().skip(1).findFirst().orElseThrow();
    int port = FreePorts.find();

    Observation obs;
    try (FusionCdsApp app = start(port, models)) {
      obs = servedResult(port, patients.getKey());
    }

    double expected = offline(models, "stacked", patients.getValue());
    assertEquals(expected, obs.getValueQuantity().getValue().doubleValue(), 6e-4);
    assertTrue(Math.abs(expected - offline(models, "rf", patients.getValue())) > 1e-6);
  }
}
