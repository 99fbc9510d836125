package org.fusioncds.assemble;

import java.nio.file.Path;
import org.fusioncds.dicom.DicomFile;
import org.fusioncds.dicom.DicomReader;
import org.fusioncds.dicom.DicomWriter;
import org.fusioncds.dicom.Tag;
import org.fusioncds.dicom.VR;
import org.fusioncds.flow.DicomImage;
import org.fusioncds.testing.TestData;

/** Real shared fixtures: a Synthea patient with a chest CR study, and a real 16×16 CR instance. */
final class SyntheaFixture {

  static final String MICHELE =
      "fhir/synthea-r4/Michele_Wolf_9fd25274-3a7d-43d4-87af-a03849074b5a.json";
  static final String CHET =
      "fhir/synthea-r4/Chet_Thompson_eda17701-070d-4fae-9f7d-c8cd6263b63a.json";
  static final String BEATRICE =
      "fhir/synthea-r4/Beatrice_Aufderhar_5451401c-ab1b-4adc-9df6-c02e856e492a.json";

  /** Study Instance UID of Michele's chest CR ImagingStudy (its urn:oid: identifier). */
  static final String MICHELE_CR_UID = "1.2.840.99999999.67531021.1559319191901";

  /** pydicom dicomdirtests CR: 16×16, 12 bits, MONOCHROME1, slope 0.684, intercept 200. */
  static final String CR_16 = "dicom/series/pydicom-dicomdirtests/77654033/CR1/6154";

  private SyntheaFixture() {}

  static PatientRecord michele() {
    return PatientRecord.read(TestData.path(MICHELE));
  }

  /** The shared CR instance, rewritten with another Study Instance UID, at {@code out}. */
  static Path crWithStudyUid(String studyUid, Path out) {
    try (DicomFile f = DicomReader.read(TestData.path(CR_16))) {
      f.dataset().putString(Tag.StudyInstanceUID, VR.UI, studyUid);
      DicomWriter.write(f.dataset(), out);
    }
    return out;
  }

  static DicomImage image(Path file) {
    try (DicomFile f = DicomReader.read(file)) {
      return DicomImage.of(f);
    }
  }
}
