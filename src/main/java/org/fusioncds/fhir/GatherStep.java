package org.fusioncds.fhir;

import ca.uhn.fhir.context.FhirContext;
import java.time.Instant;
import java.util.List;
import org.fusioncds.assemble.StudySelector;
import org.fusioncds.cdshooks.HookRequest;
import org.fusioncds.cdshooks.PatientCase;
import org.fusioncds.error.FcdsException;
import org.fusioncds.inference.ModelCard;

/**
 * The {@code gather} step, FHIR side: opens the case (FHIR client on the hook's server with its
 * token), reads the patient and their imaging studies and picks the eligible study the model card
 * asks for; then, in parallel with the images, the Observations with the card's LOINC codes and the
 * Conditions.
 */
public final class GatherStep {

  private final FhirGateway gateway;
  private final FhirContext fhir;
  private final ModelCard card;
  private final String defaultFhirBase;

  public GatherStep(FhirGateway gateway, FhirContext fhir, ModelCard card, String defaultFhirBase) {
    this.gateway = gateway;
    this.fhir = fhir;
    this.card = card;
    this.defaultFhirBase =
        defaultFhirBase == null || defaultFhirBase.isBlank() ? null : defaultFhirBase;
  }

  /** Opens the case: patient and studies, the eligible study, or a stop saying why none. */
  public PatientCase start(HookRequest request) {
    PatientCase c = new PatientCase(request, Instant.now());
    c.fhirBase = request.fhirServer() != null ? request.fhirServer() : defaultFhirBase;
    if (c.fhirBase == null) {
      throw new FcdsException(3006, "the hook names no fhirServer and fhir.base-url is not set");
    }
    String token =
        request.fhirAuthorization() == null ? null : request.fhirAuthorization().accessToken();
    c.fhir = gateway.client(c.fhirBase, () -> token);
    FhirGateway.PrefetchView prefetch = new FhirGateway.PrefetchView(fhir, request.prefetch());
    ClinicalData patientAndStudies =
        gateway.readPatientAndStudies(c.fhir, request.patientId(), prefetch);
    c.patient = patientAndStudies.patient();
    c.studies = patientAndStudies.studies();
    c.study = new StudySelector(card.study()).select(c.studies, c.evaluationTime).orElse(null);
    if (c.study == null) {
      c.stop =
          new PatientCase.Stop(
              "AI: no recent chest radiograph to analyse",
              "No imaging study of this patient matches the model's inputs ("
                  + String.join("/", card.study().modalities())
                  + ", chest, within "
                  + Math.round(card.study().maxAgeHours())
                  + " h). The model was not run.");
    }
    return c;
  }

  /** Observations (the card's LOINC codes) and Conditions: prefetch first, then searches. */
  public PatientCase clinical(PatientCase c) {
    FhirGateway.PrefetchView prefetch = new FhirGateway.PrefetchView(fhir, c.request.prefetch());
    ClinicalData data =
        gateway.readLabsAndConditions(c.fhir, c.request.patientId(), loincCodes(), prefetch);
    c.observations = data.observations();
    c.conditions = data.conditions();
    return c;
  }

  /** The LOINC codes of the card's observation features, for the search and the prefetch. */
  public List<String> loincCodes() {
    return card.features().stream()
        .filter(f -> "observation".equals(f.source()))
        .flatMap(f -> f.codes().stream())
        .filter(code -> code.startsWith("http://loinc.org|"))
        .map(code -> code.substring("http://loinc.org|".length()))
        .distinct()
        .toList();
  }
}
