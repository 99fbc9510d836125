/**
 * Sandbox: a synthetic multimodal cohort for the demo, tests and training; documented generative
 * process, not clinical data.
 *
 * <p>{@link org.fusioncds.sandbox.cohort.CohortGenerator} writes FHIR R4 transaction Bundles, DICOM
 * Part 10 chest radiographs (PS3.3 CR / DX IODs) and a label file kept apart from both. Its Javadoc
 * and {@code models/cap-fusion/training/COHORT.md} document the generative process.
 *
 * <p>Error codes ({@link org.fusioncds.error.ErrorCode}; code, HTTP status, meaning):
 *
 * <ul>
 *   <li>FCDS-8101 (500) the number of patients is out of range
 *   <li>FCDS-8102 (500) the cohort output folder is unusable
 *   <li>FCDS-8103 (500) the cohort output folder is not empty
 *   <li>FCDS-8104 (500) a cohort file cannot be written
 *   <li>FCDS-8602 (400) unknown out-of-distribution kind for the cohort
 * </ul>
 */
package org.fusioncds.sandbox.cohort;
