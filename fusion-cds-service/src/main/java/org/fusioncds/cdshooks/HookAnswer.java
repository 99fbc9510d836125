package org.fusioncds.cdshooks;

import java.util.List;
import org.fusioncds.flow.EvaluationJob;
import org.fusioncds.flow.EvaluationOutcome;
import org.fusioncds.flow.ReportRequest;
import org.fusioncds.flow.ResultKey;

/**
 * The last stage of a hook call: the cards for the EHR and what they rest on. Made once from the
 * stage before it and never changed: the answer a caller gets, and the record of each card issued,
 * follow from this message alone, whatever the background path does afterwards.
 *
 * @param key the result key of the inputs, or null when the patient was not evaluated
 * @param reportUrl the report the cards show, or null (none yet: "analysis running")
 * @param shown what the result card shows (findings, missing inputs), or null for an info card
 */
public record HookAnswer(
    EvaluationJob job,
    List<Card> cards,
    EvaluationOutcome.Status status,
    ResultKey key,
    String reportUrl,
    ReportRequest shown) {

  public HookAnswer {
    cards = List.copyOf(cards);
  }

  /** An answer whose cards show no result. */
  public HookAnswer(
      EvaluationJob job,
      List<Card> cards,
      EvaluationOutcome.Status status,
      ResultKey key,
      String reportUrl) {
    this(job, cards, status, key, reportUrl, null);
  }

  /** The outcome message of the job as this answer ends it. */
  public EvaluationOutcome outcome() {
    if (status == EvaluationOutcome.Status.NOT_EVALUABLE && !cards.isEmpty()) {
      return EvaluationOutcome.notEvaluable(job, cards.get(0).summary(), cards.get(0).detail());
    }
    return EvaluationOutcome.of(job, status, key, reportUrl, null);
  }
}
