/**
 * Sandbox: a synthetic multimodal cohort for the demo, tests and training; documented generative
 * process, not clinical data.
 *
 * <p>{@link org.fusioncds.sandbox.cohort.CohortGenerator} writes FHIR R4 transaction Bundles, DICOM
 * Part 10 chest radiographs (PS3.3 CR / DX IODs) and a label file kept apart from both. Its Javadoc
 * and {@code models/cap-fusion/training/COHORT.md} document the generative process.
 */
package org.fusioncds.sandbox.cohort;
