/**
 * The cached path's freshness check, a step before the gather: {@link
 * org.fusioncds.recall.RecallStep#check} answers a repeated hook from the last result for the
 * patient ({@link org.fusioncds.recall.RecentResults}, bounded, in memory) when one FHIR {@code
 * batch} proves that no input version changed and the report is as it was; {@link
 * org.fusioncds.recall.RecallStep#remember} keeps the result of a case gathered in full. Failures
 * of the batch carry the FHIR gather's codes (3001–3009); a batch the server refuses sends the hook
 * down the full gather.
 */
package org.fusioncds.recall;
