/**
 * Step: assemble — model-card driven input assembly (FHIR R4 resources + DICOM pixels → named
 * tensors, masks, versioned input list).
 *
 * <p>One code path for serving and for the training export (the export tool's {@code
 * CohortExporter}, which this package does not know): the same {@link
 * org.fusioncds.assemble.InputAssembler} builds every tensor. Standards: FHIR R4 (Patient,
 * ImagingStudy, Observation, Condition), UCUM (unit conversion through {@code org.fhir.ucum}),
 * DICOM PS3.3 C.11 (modality LUT, linear VOI window, MONOCHROME1 inversion), NumPy {@code .npy}
 * format 1.0.
 *
 * <p>The classical pipeline ({@code imageFeatures} in the card): {@link
 * org.fusioncds.assemble.ImageFeatureExtractor} computes a threshold organ mask, histogram
 * equalisation, Sobel edge statistics, GLCM (Haralick, as scikit-image's graycomatrix/graycoprops),
 * and the uniform LBP histogram from the same windowed image the image tensor is made of, so the
 * exported training rows and the served rows are one computation.
 *
 * <p>The volume ({@code volume} in the card): {@link org.fusioncds.assemble.VolumePreprocessor}
 * turns the slices of the study's series into the card's resampled, windowed grid through {@link
 * org.fusioncds.dicom.volume.VolumeResampler}; a series that cannot be placed safely is a missing
 * image with its FCDS code as the reason.
 *
 * <p>Bad input, decided case by case:
 *
 * <ul>
 *   <li>an Observation whose unit cannot be converted to the card's unit, that has a comparator
 *       ({@code <}, {@code >}) or no numeric value: the feature is <b>missing</b>, with the reason
 *       in {@link org.fusioncds.flow.ModelInputs#missing()} (one bad lab must not block the rest;
 *       the mask tells the model).
 *   <li>an image that is not MONOCHROME1/2 with one sample per pixel, or a window width ≤ 1: coded
 *       error (4201, 4202, 4203) — the caller chose an eligible study, so this is a data error.
 *   <li>a DICOM instance whose Study Instance UID or Modality does not belong to the selected
 *       study: the image is <b>missing</b> with the reason (never another study's pixels).
 *   <li>no Patient (4101), no anchor time (4102).
 * </ul>
 *
 * <p>Error codes ({@link org.fusioncds.error.ErrorCode}; code, HTTP status, meaning):
 *
 * <ul>
 *   <li>FCDS-4101 (500) no Patient to assemble inputs for
 *   <li>FCDS-4102 (500) no eligible ImagingStudy and no evaluation time to anchor the lab window
 *   <li>FCDS-4103 (500) a card input is produced by neither image nor tabular
 *   <li>FCDS-4111 (422) the patient's age is outside the model's intended use
 *   <li>FCDS-4112 (422) the image's view position is outside the model's intended use
 *   <li>FCDS-4113 (422) the image's pixel spacing is outside the model's intended use
 *   <li>FCDS-4201 (500) image photometric interpretation not MONOCHROME1/2
 *   <li>FCDS-4202 (500) image has more than one sample per pixel
 *   <li>FCDS-4203 (500) window width below 1
 *   <li>FCDS-4204 (500) no assembly for the model a job names
 *   <li>FCDS-4301 (500) the model card names an unknown image feature
 *   <li>FCDS-4302 (500) the model card's imageFeatures section is unusable
 *   <li>FCDS-4401 (500) the values written differ from the npy shape
 *   <li>FCDS-4402 (500) npy element type differs from the declared one
 *   <li>FCDS-4501 (500) a cohort bundle is unreadable or does not hold one Patient
 *   <li>FCDS-4502 (500) a cohort folder or its labels.csv is unusable
 *   <li>FCDS-4503 (500) no label in labels.csv for a patient
 *   <li>FCDS-4504 (500) no eligible ImagingStudy for a labelled patient
 * </ul>
 */
package org.fusioncds.assemble;
