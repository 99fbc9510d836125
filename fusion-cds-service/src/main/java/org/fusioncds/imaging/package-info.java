/**
 * The gather step, image side: the study the model card chose, its PACS (ImagingStudy.endpoint on
 * the allowlist, else {@code dicomweb.base-url}), the first instance of its eligible series over
 * DICOMweb (PS3.18 QIDO-RS, WADO-RS metadata and frames) and the decoded frame; for a card with a
 * {@code volume} section, one whole series ({@link org.fusioncds.imaging.SeriesGather}), its frames
 * fetched in parallel and decoded as the volume builder takes them. A PACS that fails leaves the
 * image missing with the reason; every retrieval is audited. Uses the DICOM library ({@code
 * org.fusioncds.dicom}), which knows nothing of this step.
 *
 * <p>Error codes:
 *
 * <ul>
 *   <li>FCDS-2312 (500) instance metadata does not hold exactly one data set
 *   <li>FCDS-2313 (500) a series has no instances on the PACS
 *   <li>FCDS-2314 (500) the study names no DICOMweb endpoint and dicomweb.base-url is not set
 *   <li>FCDS-2315 (500) the study's Endpoint cannot be read from the FHIR server
 *   <li>FCDS-2330 (500) the PACS has no series of an accepted modality for the chosen study
 *   <li>FCDS-2331 (500) a series has more instances than dicomweb.series.max-instances
 *   <li>FCDS-2332 (500) the series metadata lacks an instance the search listed
 *   <li>FCDS-2333 (500) a multi-frame instance among several instances of the series gathered
 * </ul>
 */
package org.fusioncds.imaging;
