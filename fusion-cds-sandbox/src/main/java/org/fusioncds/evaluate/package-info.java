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
 * the input is a list of {@link org.fusioncds.evaluate.Prediction}s.
 *
 * <p>Error codes ({@link org.fusioncds.error.ErrorCode}; code, HTTP status, meaning):
 *
 * <ul>
 *   <li>FCDS-8500 (500) a label is not 0 or 1
 *   <li>FCDS-8501 (500) a score is not a probability in [0, 1]
 *   <li>FCDS-8502 (500) a patient evaluated twice
 *   <li>FCDS-8503 (500) nothing to evaluate
 *   <li>FCDS-8504 (500) an invalid evaluation setting
 *   <li>FCDS-8505 (500) no patient has a score from the primary variant
 *   <li>FCDS-8506 (500) the evaluation cannot be written
 *   <li>FCDS-8507 (500) a model card has no trainingPrevalence
 *   <li>FCDS-8600 (400) an evaluation seed is one the model's training or validation cohort used
 *   <li>FCDS-8601 (400) the seeds are neither a count nor a comma-separated list
 * </ul>
 */
package org.fusioncds.evaluate;
