/**
 * Evaluation jobs: the queue between what asks for an evaluation (a hook whose evaluation workers
 * do, a FHIR Subscription notification, backfill) and the process that evaluates. An {@link
 * org.fusioncds.flow.EvaluationJob} goes to the jobs endpoint, a worker evaluates it with the
 * hook's own steps ({@link org.fusioncds.jobs.WorkerStep}, route {@code evaluation-jobs}) and
 * publishes its {@link org.fusioncds.flow.EvaluationOutcome}; a hook waiting for it ({@link
 * org.fusioncds.jobs.HookJobs}) answers from it. The transport is configuration only ({@code
 * evaluation.transport}: {@code seda} in this process, {@code kafka} a broker with workers in one
 * consumer group); the routes are the same.
 *
 * <p>Error codes ({@link org.fusioncds.error.ErrorCode}; code, HTTP status, meaning):
 *
 * <ul>
 *   <li>FCDS-1093 (503) an evaluation job could not be queued
 *   <li>FCDS-1094 (502) the report an evaluation job names is not on the FHIR server
 * </ul>
 */
package org.fusioncds.jobs;
