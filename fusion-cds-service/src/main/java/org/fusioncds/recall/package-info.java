/**
 * The cached path's freshness check, a step before the gather: {@link
 * org.fusioncds.recall.RecallStep#check} answers a repeated hook from the last result for the
 * patient ({@link org.fusioncds.recall.RecentResults}, bounded, in memory) when nothing it was
 * computed from changed. The proof is the FHIR server's {@link org.fusioncds.recall.ChangeFeed}: a
 * poll of what changed since the last look, started after the hook arrived and shared by every hook
 * waiting at the time (one round trip for all of them); where the feed is off or a poll failed, one
 * FHIR {@code batch} per hook reads the versions of the patient's inputs and the report. {@link
 * org.fusioncds.recall.RecallStep#remember} keeps the result of a case gathered in full, unless a
 * poll saw one of its inputs change while it was gathered. Failures of a batch carry the FHIR
 * gather's codes (3001–3009) and send the hook down the full gather.
 *
 * <p>A FHIR server whose feed is turned off is logged once with FCDS-3011 or FCDS-3012 (the FHIR
 * range, listed in {@link org.fusioncds.fhir}); its hooks then take the per-hook batch, never an
 * error.
 */
package org.fusioncds.recall;
