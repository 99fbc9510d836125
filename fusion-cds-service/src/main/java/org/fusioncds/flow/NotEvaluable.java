package org.fusioncds.flow;

/**
 * Why there is no result for the patient (no eligible study, not enough data): the info card's
 * summary and detail, worded from the model card.
 */
public record NotEvaluable(EvaluationJob job, String summary, String detail) {}
