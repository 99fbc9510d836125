package org.fusioncds.config;

import ca.uhn.fhir.context.FhirContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.PropertyInject;
import org.apache.camel.processor.aggregate.UseOriginalAggregationStrategy;
import org.fusioncds.assemble.AssembleStep;
import org.fusioncds.assemble.InputAssembler;
import org.fusioncds.assemble.StudySelector;
import org.fusioncds.cdshooks.CardStep;
import org.fusioncds.cdshooks.CdsHooksEndpoints;
import org.fusioncds.cdshooks.CdsService;
import org.fusioncds.cdshooks.DeadLetters;
import org.fusioncds.cdshooks.FeedbackStore;
import org.fusioncds.dicom.web.ImageStep;
import org.fusioncds.fhir.FhirGateway;
import org.fusioncds.fhir.GatherStep;
import org.fusioncds.inference.InferenceSettings;
import org.fusioncds.inference.InferenceStep;
import org.fusioncds.inference.ModelCard;
import org.fusioncds.inference.ModelRegistry;
import org.fusioncds.report.ReportStep;

/**
 * The beans the routes call, made once from settings: {@code cds.*} (service, time budget), {@code
 * fhir.*}, {@code dicomweb.*}, {@code models.*}, {@code inference.*}, {@code report.*}.
 */
public class FusionCdsConfiguration implements CamelConfiguration {

  @PropertyInject("cds.service.id")
  String serviceId;

  @PropertyInject("cds.service.title")
  String serviceTitle;

  @PropertyInject("cds.service.description")
  String serviceDescription;

  @PropertyInject(value = "cds.time-budget-ms", defaultValue = "2000")
  long timeBudgetMs;

  @PropertyInject(value = "cds.public-base-url", defaultValue = "")
  String publicBaseUrl;

  @PropertyInject(value = "fhir.base-url", defaultValue = "")
  String fhirBaseUrl;

  @PropertyInject(value = "fhir.connect-timeout-ms", defaultValue = "5000")
  int fhirConnectTimeoutMs;

  @PropertyInject(value = "fhir.socket-timeout-ms", defaultValue = "20000")
  int fhirSocketTimeoutMs;

  @PropertyInject(value = "dicomweb.base-url", defaultValue = "")
  String dicomWebBaseUrl;

  @PropertyInject(value = "dicomweb.timeout-ms", defaultValue = "20000")
  long dicomWebTimeoutMs;

  @PropertyInject(value = "models.folder", defaultValue = "models")
  String modelsFolder;

  @PropertyInject(value = "models.model", defaultValue = "cap-fusion")
  String modelId;

  @PropertyInject(value = "inference.device", defaultValue = "cpu")
  String device;

  @PropertyInject(value = "inference.threads", defaultValue = "2")
  int inferenceThreads;

  @PropertyInject(value = "report.organization", defaultValue = "")
  String organization;

  @PropertyInject(value = "cds.feedback-folder", defaultValue = "data/feedback")
  String feedbackFolder;

  @PropertyInject(value = "cds.dead-letter-folder", defaultValue = "data/dead-letters")
  String deadLetterFolder;

  @BindToRegistry("deadLetters")
  public DeadLetters deadLetters() {
    return new DeadLetters(Path.of(deadLetterFolder));
  }

  private ModelRegistry registry;
  private FeedbackStore feedbackStore;
  private GatherStep gatherStep;
  private ReportStep reportStep;

  private FeedbackStore feedbackStore() {
    if (feedbackStore == null) {
      feedbackStore = new FeedbackStore(Path.of(feedbackFolder));
    }
    return feedbackStore;
  }

  @BindToRegistry("models")
  public ModelRegistry models() {
    if (registry == null) {
      registry =
          ModelRegistry.open(
              Path.of(modelsFolder), modelId, new InferenceSettings(device, inferenceThreads, 1));
    }
    return registry;
  }

  private ModelCard card() {
    return models().model(modelId).card();
  }

  @BindToRegistry("useOriginal")
  public UseOriginalAggregationStrategy useOriginal() {
    return new UseOriginalAggregationStrategy(true);
  }

  @BindToRegistry("gather")
  public GatherStep gather() {
    if (gatherStep != null) {
      return gatherStep;
    }
    FhirContext fhir = FhirContext.forR4Cached();
    // the write-back names input versions (Provenance.entity): never strip them when encoding
    fhir.getParserOptions()
        .setDontStripVersionsFromReferencesAtPaths(
            "Provenance.entity.what",
            "Provenance.target",
            "DiagnosticReport.imagingStudy",
            "Observation.derivedFrom");
    gatherStep =
        new GatherStep(
            new FhirGateway(fhir, fhirConnectTimeoutMs, fhirSocketTimeoutMs),
            fhir,
            card(),
            fhirBaseUrl);
    return gatherStep;
  }

  @BindToRegistry("images")
  public ImageStep images() {
    return new ImageStep(
        new StudySelector(card().study()),
        dicomWebBaseUrl,
        () -> null,
        Duration.ofMillis(dicomWebTimeoutMs));
  }

  @BindToRegistry("assembly")
  public AssembleStep assembly() {
    return new AssembleStep(new InputAssembler(card()));
  }

  @BindToRegistry("inference")
  public InferenceStep inference() {
    return new InferenceStep(models(), Duration.ofMillis(timeBudgetMs), inferenceThreads);
  }

  @BindToRegistry("reports")
  public ReportStep reports() {
    if (reportStep == null) {
      reportStep = new ReportStep(card(), organization);
    }
    return reportStep;
  }

  @BindToRegistry("cards")
  public CardStep cards() {
    return new CardStep(
        card(), reports(), publicBaseUrl + "/models/" + modelId + "/model-card", feedbackStore());
  }

  @BindToRegistry("cdsHooks")
  public CdsHooksEndpoints cdsHooks() {
    String loinc =
        String.join(",", gather().loincCodes().stream().map(c -> "http://loinc.org|" + c).toList());
    Map<String, String> prefetch = new LinkedHashMap<>();
    prefetch.put("patient", "Patient/{{context.patientId}}");
    prefetch.put("studies", "ImagingStudy?patient={{context.patientId}}&status=available");
    prefetch.put("observations", "Observation?patient={{context.patientId}}&code=" + loinc);
    prefetch.put("conditions", "Condition?patient={{context.patientId}}");
    CdsService service =
        new CdsService(
            serviceId,
            "patient-view",
            serviceTitle,
            serviceDescription
                + " Model: "
                + card().name()
                + " "
                + card().version()
                + ". "
                + card().warning()
                + ".",
            prefetch,
            "Reads Patient, ImagingStudy, Observation and Condition from the FHIR server (the hook's"
                + " fhirAuthorization), and the latest eligible study's images from the PACS that"
                + " its ImagingStudy.endpoint names; writes a preliminary DiagnosticReport,"
                + " Observations, Device and Provenance there.");
    return new CdsHooksEndpoints(List.of(service), Path.of(modelsFolder), feedbackStore());
  }
}
