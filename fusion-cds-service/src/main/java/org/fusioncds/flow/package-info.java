/**
 * The stage messages of the flow, and nothing else: immutable records that each step takes and
 * returns (DESIGN.md "Types that cross stage boundaries"):
 *
 * <pre>
 * HookRequest → Recalled → (card)
 * HookRequest → PatientContext | NotEvaluable → ClinicalInputs + ImageInput → GatheredInputs
 *   → EvaluationInputs | NotEvaluable → StoredReport | Inferred | Pending → Reported → (card)
 * Inferred → ReportFollows → (card), and Inferred → Reported behind it (cds.card-timing)
 * </pre>
 *
 * A step never writes into the message it received; parallel branches return their own message and
 * the gather join makes one of them. {@link org.fusioncds.flow.EvaluationJob} and {@link
 * org.fusioncds.flow.EvaluationOutcome} may cross a process: their JSON form is stable and carries
 * a version. This package imports no step of the flow (the architecture test checks it).
 *
 * <p>Error codes:
 *
 * <ul>
 *   <li>FCDS-1090 (500) a flow message (evaluation job or outcome) has another version
 *   <li>FCDS-1091 (500) a flow message lacks a required field
 *   <li>FCDS-1092 (500) a flow message is not valid JSON
 *   <li>FCDS-1098 (500) the gather branches did not give one clinical and one image result
 * </ul>
 */
package org.fusioncds.flow;
