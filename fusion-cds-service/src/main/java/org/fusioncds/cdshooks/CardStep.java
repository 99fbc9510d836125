package org.fusioncds.cdshooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.fusioncds.flow.EvaluationOutcome.Status;
import org.fusioncds.flow.ModelInputs;
import org.fusioncds.flow.NotEvaluable;
import org.fusioncds.flow.Pending;
import org.fusioncds.flow.ReportRequest;
import org.fusioncds.flow.Reported;
import org.fusioncds.flow.StoredReport;
import org.fusioncds.model.ModelCard;
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
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CardStep.class);

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

  public HookAnswer notEvaluable(NotEvaluable n) {
    Card info = CardFactory.info(n.summary(), n.detail(), reports.model(null), modelCardUrl);
    return new HookAnswer(n.job(), List.of(info), Status.NOT_EVALUABLE, null, null);
  }

  public HookAnswer result(Reported r) {
    String indicator = r.inferred().result().outputs().get(0).indicator();
    Card result = CardFactory.result(r.report(), indicator, r.reportUrl(), modelCardUrl);
    return new HookAnswer(r.job(), List.of(result), Status.REPORTED, r.key(), r.reportUrl());
  }

  /** The card of a report written earlier for the same inputs and model version. */
  public HookAnswer cached(StoredReport s) {
    List<ReportRequest.Finding> findings = new ArrayList<>();
    for (Bundle.BundleEntryComponent e : s.stored().getEntry()) {
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
        s.stored().getEntry().stream()
            .map(Bundle.BundleEntryComponent::getResource)
            .filter(DiagnosticReport.class::isInstance)
            .map(DiagnosticReport.class::cast)
            .findFirst()
            .orElseThrow();
    ModelInputs inputs = s.inputs().inputs();
    ReportRequest stored =
        new ReportRequest(
            s.key(),
            s.inputs().context().request().patientId(),
            null,
            d.getEffectiveDateTimeType().getValue().toInstant(),
            d.getIssued().toInstant(),
            reports.model(null),
            new ReportRequest.Coding(
                card.report().system(), card.report().code(), card.report().display()),
            findings,
            inputs.referenceStrings(),
            inputs.missingNames(),
            null,
            null);
    Card fresh =
        CardFactory.result(
            stored, indicator(findings.get(0).probability()), s.reportUrl(), modelCardUrl);
    String note =
        "\n\nComputed earlier for the same inputs and model version (report issued "
            + d.getIssuedElement().getValueAsString()
            + "); the model was not run again.";
    Card cached =
        new Card(
            fresh.uuid(),
            fresh.summary(),
            fresh.detail() + note,
            fresh.indicator(),
            fresh.source(),
            fresh.links());
    return new HookAnswer(s.job(), List.of(cached), Status.CACHED, s.key(), s.reportUrl());
  }

  /**
   * "Analysis running": the report does not exist yet; the card record names the result key, which
   * the report will carry as its identifier when the background path writes it.
   */
  public HookAnswer running(Pending p) {
    Card info =
        CardFactory.info(
            "AI: analysis running — the preliminary report will follow",
            "The model did not finish within the time budget of this request. Its preliminary"
                + " DiagnosticReport will appear in the patient's record when it is done.",
            reports.model(null),
            modelCardUrl);
    return new HookAnswer(p.job(), List.of(info), Status.RUNNING, p.key(), null);
  }

  /**
   * The hook's answer (CDS Hooks 2.0.1 §CDS Service Response); each card is recorded as issued,
   * with the model version, the result key and the report it shows, so feedback on it can name
   * them.
   */
  public String respond(HookAnswer answer) throws JsonProcessingException {
    for (Card issued : answer.cards()) {
      feedback.issued(issued, card.id(), card.version(), answer.key(), answer.reportUrl());
    }
    if (LOG.isDebugEnabled()) {
      LOG.debug("hook answered: {}", answer.outcome().toJson()); // job id, status, key: no PHI
    }
    return JSON.writeValueAsString(Map.of("cards", answer.cards()));
  }

  private String indicator(double p) {
    ModelCard.IndicatorThresholds t = card.outputs().get(0).indicator();
    return p >= t.critical() ? "critical" : p >= t.warning() ? "warning" : "info";
  }
}
