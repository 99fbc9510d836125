/**
 * Step: assemble — model-card driven input assembly (FHIR R4 resources + DICOM pixels → named
 * tensors, masks, versioned input list).
 *
 * <p>One code path for serving and for the training export ({@link
 * org.fusioncds.assemble.CohortExporter}): the same {@link org.fusioncds.assemble.InputAssembler}
 * builds every tensor. Standards: FHIR R4 (Patient, ImagingStudy, Observation, Condition), UCUM
 * (unit conversion through {@code org.fhir.ucum}), DICOM PS3.3 C.11 (modality LUT, linear VOI
 * window, MONOCHROME1 inversion), NumPy {@code .npy} format 1.0.
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
 * <p>Error codes 4000–4999: 41xx request, 42xx image, 43xx tabular, 44xx npy, 45xx cohort export.
 */
package org.fusioncds.assemble;
