package org.fusioncds.assemble;

import org.fusioncds.dicom.Tag;
import org.fusioncds.flow.DicomImage;
import org.fusioncds.model.StudySelector;
import org.hl7.fhir.r4.model.ImagingStudy;

/**
 * Whether a DICOM instance may feed the image tensor: it must belong to the selected ImagingStudy
 * (Study Instance UID equal to the study's {@code urn:oid:} identifier) and have a card modality.
 */
final class ImageEligibility {

  private ImageEligibility() {}

  /** Null when usable, else why not. */
  static String reason(ImagingStudy study, DicomImage image, StudySelector selector) {
    if (study == null) {
      return "no eligible ImagingStudy";
    }
    if (image == null) {
      return "no DICOM instance for the selected study";
    }
    String uid = StudySelector.studyUid(study);
    String dicomUid = image.dataset().getString(Tag.StudyInstanceUID);
    if (uid == null) {
      return "selected ImagingStudy has no urn:oid: identifier to match the instance against";
    }
    if (!uid.equals(dicomUid)) {
      return "DICOM Study Instance UID differs from the selected ImagingStudy";
    }
    String modality = image.dataset().getString(Tag.Modality);
    if (!selector.modalityAllowed(modality)) {
      return "DICOM modality " + modality + " not accepted by the card";
    }
    return null;
  }

  static String sopInstanceUid(DicomImage image) {
    String uid = image.dataset().getString(Tag.SOPInstanceUID);
    return uid == null ? "unknown" : uid;
  }
}
