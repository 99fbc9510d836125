package org.fusioncds.cdshooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.fusioncds.inference.ModelCard;
import org.fusioncds.report.ReportRequest;
import org.fusioncds.report.ReportStep;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Observation;

/**
 * The last step of the hook: the card for the EHR — the result, the result computed earlier for the
 * same inputs (read back from the FHIR server, the model not run again), "analysis running" when
 * the time budget ran out, or why the patient could not be evaluated — and the JSON answer.
 */
public final class CardStep {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ModelCard card;
  private final ReportStep reports;
  private final String modelCardUrl;
  private final FeedbackStore feedback;

  public CardStep(ModelCard card, ReportStep reports, String modelCardUrl, FeedbackStore feedback) {
    this.card = card;
    this.reports = reports;
    this.modelCardUrl = modelCardUrl;
    this.feedback = feedback;
  }

  public PatientCase notEvaluable(PatientCase c) {
    c.cards.add(
        CardFactory.info(c.stop.summary(), c.stop.detail(), reports.model(null), modelCardUrl));
    return c;
  }

  public PatientCase result(PatientCase c) {
    String indicator = c.result.outputs().get(0).indicator();
    c.cards.add(CardFactory.result(c.report, indicator, c.reportUrl, modelCardUrl));
    return c;
  }

  /** The card of a report written earlier for the same inputs and model version. */
  public PatientCase cached(PatientCase c) {
    List<ReportRequest.Finding> findings = new ArrayList<>();
    for (Bundle.BundleEntryComponent e : c.stored.getEntry()) {
      if (e.getResource() instanceof Observation o && o.hasValueQuantity()) {
        ModelCard.Output out = card.outputs().get(0);
        findings.add(
            new ReportRequest.Finding(
                out.tensor(),
                new ReportRequest.Coding(
                    out.code().system(), out.code().code(), out.code().display()),
                o.getValueQuantity().getValue().doubleValue(),
                out.threshold(),
                o.getInterpretationFirstRep().getCodingFirstRep().getCode().equals("POS")));
      }
    }
    DiagnosticReport d =
        c.stored.getEntry().stream()
            .map(Bundle.BundleEntryComponent::getResource)
            .filter(DiagnosticReport.class::isInstance)
            .map(DiagnosticReport.class::cast)
            .findFirst()
            .orElseThrow();
    ReportRequest stored =
        new ReportRequest(
            c.key,
            c.request.patientId(),
            null,
            d.getEffectiveDateTimeType().getValue().toInstant(),
            d.getIssued().toInstant(),
            reports.model(null),
            new ReportRequest.Coding(
                card.report().system(), card.report().code(), card.report().display()),
            findings,
            c.inputs.referenceStrings(),
            c.inputs.missingNames(),
            null,
            null);
    Card fresh =
        CardFactory.result(
            stored, indicator(findings.get(0).probability()), c.reportUrl, modelCardUrl);
    String note =
        "\n\nComputed earlier for the same inputs and model version (report issued "
            + d.getIssuedElement().getValueAsString()
            + "); the model was not run again.";
    c.cards.add(
        new Card(
            fresh.uuid(),
            fresh.summary(),
            fresh.detail() + note,
            fresh.indicator(),
            fresh.source(),
            fresh.links()));
    return c;
  }

  public PatientCase running(PatientCase c) {
    c.cards.add(
        CardFactory.info(
            "AI: analysis running — the preliminary report will follow",
            "The model did not finish within the time budget of this request. Its preliminary"
                + " DiagnosticReport will appear in the patient's record when it is done.",
            reports.model(null),
            modelCardUrl));
    return c;
  }

  /**
   * The hook's answer (CDS Hooks 2.0.1 §CDS Service Response); each card is recorded as issued, so
   * feedback on it can name the model version and the report.
   */
  public String respond(PatientCase c) throws JsonProcessingException {
    for (Card issued : c.cards()) {
      feedback.issued(issued, card.id(), card.version(), c.reportUrl);
    }
    return JSON.writeValueAsString(Map.of("cards", c.cards()));
  }

  private String indicator(double p) {
    ModelCard.IndicatorThresholds t = card.outputs().get(0).indicator();
    return p >= t.critical() ? "critical" : p >= t.warning() ? "warning" : "info";
  }
}
