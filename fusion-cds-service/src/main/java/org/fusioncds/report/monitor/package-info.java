/**
 * Step: report, after the fact — what became of the model's cards, for its owner ({@code GET
 * /admin/models/{id}}, role {@code model-owner}). Every card the hook issued and every CDS Hooks
 * 2.0.1 feedback item on it (recorded by {@code cdshooks.FeedbackStore} in its JSON-lines files,
 * read back at start) is kept for 30 days in a bounded window ({@link ModelMonitor}); per model
 * version it computes cards issued, feedback received, agreement with its 95 % Wilson interval, the
 * probability distribution of the last 7 and 30 days against the evaluation cohort's ({@link
 * ReferenceDistribution}, 10 bins at the cohort's deciles, population stability index), input
 * missingness and hook latency percentiles, and raises the drift alarm the model card's {@code
 * monitoring} section sets. Shown as HTML with SVG charts ({@link OwnerPage}), JSON, and Prometheus
 * gauges.
 *
 * <p>Error codes ({@link org.fusioncds.error.ErrorCode}; code, HTTP status, meaning):
 *
 * <ul>
 *   <li>FCDS-6300 (500) drift alarm: the model's probabilities or its clinicians' agreement drifted
 *   <li>FCDS-6301 (404) no model with that id is served or was monitored
 *   <li>FCDS-6302 (500) the evaluation cohort's reference distribution is unreadable or invalid
 *   <li>FCDS-6303 (500) the reference distribution was made for another model version
 *   <li>FCDS-6304 (500) a stored card or feedback line could not be read
 * </ul>
 */
package org.fusioncds.report.monitor;
