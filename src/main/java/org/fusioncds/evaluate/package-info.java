/**
 * Evaluation: discrimination, calibration and their uncertainty for binary AI outputs, written as
 * metrics.json and charts.
 *
 * <p>The {@code evaluate} step enters the flow at {@code assemble} with files instead of servers
 * and judges the scores a model gave to patients it never saw. Discrimination is the area under the
 * ROC curve computed as the Mann–Whitney U statistic (Hanley &amp; McNeil 1982); uncertainty is a
 * seeded, label-stratified percentile bootstrap over patients (Efron &amp; Tibshirani 1993), paired
 * across model variants; calibration is the expected calibration error over equal-width bins
 * (Naeini et al. 2015) and the Brier score (Brier 1950). Independent of how scores are produced:
 * the input is a list of {@link org.fusioncds.evaluate.Prediction}s. Error codes FCDS-8500..8599.
 */
package org.fusioncds.evaluate;
