/**
 * Pixel decoding (PS3.5 section 8 and annexes A, G): one frame at a time, to stored values, with
 * the modality LUT and VOI windowing as separate, explicit steps.
 */
package org.fusioncds.dicom.pixel;
