package org.fusioncds.fhir;

import ca.uhn.fhir.context.FhirContext;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import org.apache.camel.Exchange;
import org.fusioncds.assemble.StudySelector;
import org.fusioncds.audit.AuditTrail;
import org.fusioncds.audit.AuditingClientInterceptor;
import org.fusioncds.audit.CallAuditPolicy;
import org.fusioncds.cdshooks.FhirAuthorization;
import org.fusioncds.cdshooks.HookRequest;
import org.fusioncds.cdshooks.PatientCase;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.inference.ModelCard;
import org.fusioncds.security.HookTokens;
import org.fusioncds.security.OutboundUrlPolicy;

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
  private final Outbound outbound;

  /**
   * Where the step may connect and with which credentials: the fhirServer allowlist, the service's
   * own token (client credentials; null when none is configured) and the audit trail.
   */
  public record Outbound(
      OutboundUrlPolicy fhirServers, Supplier<String> serviceTokens, AuditTrail audit) {}

  public GatherStep(
      FhirGateway gateway,
      FhirContext fhir,
      ModelCard card,
      String defaultFhirBase,
      Outbound outbound) {
    this.gateway = gateway;
    this.fhir = fhir;
    this.card = card;
    this.defaultFhirBase =
        defaultFhirBase == null || defaultFhirBase.isBlank() ? null : defaultFhirBase;
    this.outbound = outbound;
  }

  /**
   * Opens the case: the hook's fhirServer, checked against the allowlist before any connection (the
   * configured fhir.base-url when the hook names none), a client with the hook's token (else the
   * service's own) whose every read is audited; then the patient and studies, the eligible study,
   * or a stop saying why none.
   */
  public PatientCase start(HookRequest request, Exchange exchange) {
    PatientCase c = new PatientCase(request, Instant.now());
    c.audit = CallAuditPolicy.context(exchange);
    if (request.fhirServer() != null) {
      c.fhirBase = outbound.fhirServers().check(request.fhirServer(), "fhirServer").toString();
    } else if (defaultFhirBase != null) {
      c.fhirBase = defaultFhirBase;
    } else {
      throw new FcdsException(
          ErrorCode.FHIR_SERVER_MISSING,
          "the hook names no fhirServer and fhir.base-url is not set");
    }
    c.reads = new AuditingClientInterceptor(outbound.audit(), c.audit, c.fhirBase);
    c.fhir = gateway.client(c.fhirBase, tokens(request), c.reads);
    FhirGateway.PrefetchView prefetch = new FhirGateway.PrefetchView(fhir, request.prefetch());
    ClinicalData patientAndStudies =
        c.reads.audited(() -> gateway.readPatientAndStudies(c.fhir, request.patientId(), prefetch));
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

  /** The hook's fhirAuthorization while it is valid (then the service's own token), or ours. */
  private Supplier<String> tokens(HookRequest request) {
    FhirAuthorization a = request.fhirAuthorization();
    if (a == null) {
      return outbound.serviceTokens();
    }
    return HookTokens.of(
        a.accessToken(), a.expiresIn(), Instant.now(), Clock.systemUTC(), outbound.serviceTokens());
  }

  /** Observations (the card's LOINC codes) and Conditions: prefetch first, then searches. */
  public PatientCase clinical(PatientCase c) {
    FhirGateway.PrefetchView prefetch = new FhirGateway.PrefetchView(fhir, c.request.prefetch());
    ClinicalData data =
        c.reads.audited(
            () ->
                gateway.readLabsAndConditions(
                    c.fhir, c.request.patientId(), loincCodes(), prefetch));
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
