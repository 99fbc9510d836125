package org.fusioncds.cdshooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.fusioncds.audit.CallAuditPolicy;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.flow.AuditContext;
import org.fusioncds.flow.Delegated;
import org.fusioncds.flow.EvaluationJob;
import org.fusioncds.flow.EvaluationOutcome;
import org.fusioncds.flow.EvaluationOutcome.Status;
import org.fusioncds.flow.Inferred;
import org.fusioncds.flow.NotEvaluable;
import org.fusioncds.flow.Pending;
import org.fusioncds.flow.Recalled;
import org.fusioncds.flow.ReportFollows;
import org.fusioncds.flow.ReportRequest;
import org.fusioncds.flow.Reported;
import org.fusioncds.flow.ResultKey;
import org.fusioncds.flow.StoredReport;
import org.fusioncds.model.ModelCard;
import org.fusioncds.report.ReportStep;
import org.hl7.fhir.r4.model.DiagnosticReport;

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

  private String appLaunchUrl;

  public CardStep(ModelCard card, ReportStep reports, String modelCardUrl, FeedbackStore feedback) {
    this.card = card;
    this.reports = reports;
    this.modelCardUrl = modelCardUrl;
    this.feedback = feedback;
  }

  /** Result cards link the SMART app at this launch URL (a {@code smart} link). */
  public CardStep withAppLaunch(String launchUrl) {
    this.appLaunchUrl = launchUrl;
    return this;
  }

  public HookAnswer notEvaluable(NotEvaluable n) {
    Card info = CardFactory.info(n.summary(), n.detail(), reports.model(null), modelCardUrl);
    return new HookAnswer(n.job(), List.of(info), Status.NOT_EVALUABLE, null, null);
  }

  public HookAnswer result(Reported r) {
    return resultAnswer(r.inferred(), r.report(), r.reportUrl());
  }

  /**
   * The same card as {@link #result}, answered before the report is written: its links name the
   * report at the id the transaction will write it at.
   */
  public HookAnswer follows(ReportFollows f) {
    return resultAnswer(f.inferred(), f.report(), f.reportUrl());
  }

  private HookAnswer resultAnswer(Inferred inferred, ReportRequest report, String reportUrl) {
    String indicator = inferred.result().outputs().get(0).indicator();
    Card result =
        CardFactory.result(
            report,
            indicator,
            reportUrl,
            ReportStep.htmlUrl(reportUrl, inferred.key()),
            modelCardUrl,
            overrideReasons(),
            appLaunchUrl);
    return new HookAnswer(
        inferred.job(), List.of(result), Status.REPORTED, inferred.key(), reportUrl, report);
  }

  /**
   * The card of a report written earlier for the same inputs and model version; an info card
   * without the result when that report was withdrawn (status {@code entered-in-error}).
   */
  public HookAnswer cached(StoredReport s) {
    if (s.report().getStatus() == DiagnosticReport.DiagnosticReportStatus.ENTEREDINERROR) {
      Date when = s.report().getMeta().getLastUpdated();
      return withdrawn(s.job(), s.key(), s.reportUrl(), when == null ? null : when.toInstant());
    }
    String html = s.report().hasPresentedForm() ? ReportStep.htmlUrl(s.reportUrl(), s.key()) : null;
    return cachedAnswer(s.job(), s.key(), s.reportUrl(), html, reports.stored(s));
  }

  /**
   * The same inputs gave a report that someone has since marked entered in error: its result is not
   * shown again, and the model is not run again for inputs whose result was withdrawn.
   */
  private HookAnswer withdrawn(EvaluationJob job, ResultKey key, String reportUrl, Instant when) {
    Card info =
        CardFactory.info(
            "AI result withdrawn: its report was marked entered in error",
            "The preliminary AI report for these same inputs was marked entered in error"
                + (when == null ? "" : " (" + when + ")")
                + ". Its result is not shown, and the model is not run again for the same inputs:"
                + " a new or changed lab, study or problem-list entry gives a new evaluation.",
            reports.model(null),
            modelCardUrl);
    return new HookAnswer(job, List.of(info), Status.CACHED, key, reportUrl);
  }

  /** The card of a recalled report: the same card as {@link #cached}, gathered nothing. */
  public HookAnswer recalled(Recalled r) {
    return cachedAnswer(
        r.job(), r.key(), r.reportUrl(), ReportStep.htmlUrl(r.reportUrl(), r.key()), r.report());
  }

  private HookAnswer cachedAnswer(
      EvaluationJob job, ResultKey key, String reportUrl, String htmlUrl, ReportRequest stored) {
    Card fresh =
        CardFactory.result(
            stored,
            indicator(stored.findings().get(0).probability()),
            reportUrl,
            htmlUrl,
            modelCardUrl,
            overrideReasons(),
            appLaunchUrl);
    String note =
        "\n\nComputed earlier for the same inputs and model version (report issued "
            + stored.issued()
            + "); the model was not run again.";
    Card cached = fresh.withDetail(fresh.detail() + note);
    return new HookAnswer(job, List.of(cached), Status.CACHED, key, reportUrl, stored);
  }

  /**
   * The card of a hook an evaluation worker answered: the result card of its report (with the
   * cached note when the worker found the report already there; the withdrawn card, as {@link
   * #cached} gives it, when the report read back is marked entered in error), the info card worded
   * as the worker worded it, or "analysis running" when no outcome came within the time budget. A
   * job the worker failed is answered as the failure, with the worker's code.
   */
  public HookAnswer delegated(Delegated d) {
    EvaluationOutcome o = d.outcome();
    if (d.withdrawn()) {
      // the report the worker wrote or found was marked entered in error: as the cached path
      return withdrawn(d.job(), d.key(), o.reportUrl(), d.updated());
    }
    return switch (o.status()) {
      case REPORTED -> {
        String indicator = indicator(d.report().findings().get(0).probability());
        Card result =
            CardFactory.result(
                d.report(),
                indicator,
                o.reportUrl(),
                ReportStep.htmlUrl(o.reportUrl(), d.key()),
                modelCardUrl,
                overrideReasons(),
                appLaunchUrl);
        yield new HookAnswer(
            d.job(), List.of(result), Status.REPORTED, d.key(), o.reportUrl(), d.report());
      }
      case CACHED ->
          cachedAnswer(
              d.job(),
              d.key(),
              o.reportUrl(),
              ReportStep.htmlUrl(o.reportUrl(), d.key()),
              d.report());
      case NOT_EVALUABLE -> {
        Card info = CardFactory.info(o.summary(), o.detail(), reports.model(null), modelCardUrl);
        yield new HookAnswer(d.job(), List.of(info), Status.NOT_EVALUABLE, null, null);
      }
      case RUNNING ->
          new HookAnswer(d.job(), List.of(runningCard()), Status.RUNNING, d.key(), null);
      case FAILED -> throw workerFailure(o);
    };
  }

  private static FcdsException workerFailure(EvaluationOutcome o) {
    ErrorCode code = null;
    if (o.code() != null && o.code().startsWith("FCDS-")) {
      try {
        code = ErrorCode.of(Integer.parseInt(o.code().substring(5)));
      } catch (NumberFormatException unknown) {
        // not a code of ours: answered as unexpected, with the text as it came
      }
    }
    code = code == null ? ErrorCode.UNEXPECTED : code;
    return new FcdsException(code, "the evaluation worker failed the job — " + o.code());
  }

  /**
   * "Analysis running": the report does not exist yet; the card record names the result key, which
   * the report will carry as its identifier when the background path writes it.
   */
  public HookAnswer running(Pending p) {
    return new HookAnswer(p.job(), List.of(runningCard()), Status.RUNNING, p.key(), null);
  }

  private Card runningCard() {
    return CardFactory.info(
        "AI: analysis running — the preliminary report will follow",
        "The model did not finish within the time budget of this request. Its preliminary"
            + " DiagnosticReport will appear in the patient's record when it is done.",
        reports.model(null),
        modelCardUrl);
  }

  /**
   * The hook's answer (CDS Hooks 2.0.1 §CDS Service Response); each card is recorded as issued,
   * with the model version, the result key and the report it shows, so feedback on it can name
   * them, and with what it showed and the hook's latency so far (from the exchange's creation; null
   * exchange: not measured), for the model owner's figures.
   */
  public String respond(HookAnswer answer, Exchange exchange) throws JsonProcessingException {
    Long latency = exchange == null ? null : exchange.getClock().elapsed();
    ReportRequest r = answer.shown();
    FeedbackStore.Shown shown =
        new FeedbackStore.Shown(
            answer.status().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
            r == null || r.findings().isEmpty() ? null : r.findings().get(0).probability(),
            r == null ? null : r.missing(),
            latency);
    AuditContext call = exchange == null ? null : CallAuditPolicy.context(exchange);
    String user = call == null ? null : call.userId(); // the clinician feedback will come from
    for (Card issued : answer.cards()) {
      feedback.issued(
          issued, card.id(), card.version(), answer.key(), answer.reportUrl(), shown, user);
    }
    if (LOG.isDebugEnabled()) {
      LOG.debug("hook answered: {}", answer.outcome().toJson()); // job id, status, key: no PHI
    }
    return JSON.writeValueAsString(Map.of("cards", answer.cards()));
  }

  /** The model card's override reasons, as the result cards offer them. */
  private List<Card.Coding> overrideReasons() {
    return card.overrideReasons().stream()
        .map(r -> new Card.Coding(r.system(), r.code(), r.display()))
        .toList();
  }

  private String indicator(double p) {
    ModelCard.IndicatorThresholds t = card.outputs().get(0).indicator();
    return p >= t.critical() ? "critical" : p >= t.warning() ? "warning" : "info";
  }
}
