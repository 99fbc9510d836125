/**
 * The {@code dicom} step of the flow: reading DICOM files and data sets (PS3.5, PS3.10), the DICOM
 * JSON model (PS3.18 Annex F) and writing our own Part 10 files. Pixel decoding lives in {@code
 * dicom.pixel}, codecs of our own in {@code dicom.codec}, the DICOMweb client in {@code dicom.web}.
 */
package org.fusioncds.dicom;
