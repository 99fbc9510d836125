package org.fusioncds.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.fusioncds.dicom.Dataset;
import org.fusioncds.dicom.Tag;
import org.fusioncds.dicom.VR;
import org.junit.jupiter.api.Test;

class QidoQueryTest {

  private static final Dataset STUDY =
      new Dataset()
          .putString(Tag.PatientName, VR.PN, "Doe^Jane")
          .putString(Tag.PatientID, VR.LO, "PID-17")
          .putString(Tag.StudyDate, VR.DA, "20240315")
          .putString(Tag.StudyInstanceUID, VR.UI, "1.2.3.4")
          .putString(0x00080061, VR.CS, "CT", "MR");

  @Test
  void matchesSingleValuesWildcardsAndPersonNamesIgnoringCase() {
    assertTrue(QidoQuery.parse("PatientID=PID-17").matches(STUDY));
    assertFalse(QidoQuery.parse("PatientID=pid-17").matches(STUDY));
    assertTrue(QidoQuery.parse("PatientID=PID-1?").matches(STUDY));
    assertTrue(QidoQuery.parse("PatientName=doe*").matches(STUDY));
    assertFalse(QidoQuery.parse("PatientName=Roe*").matches(STUDY));
  }

  @Test
  void matchesAnyValueOfAMultiValuedAttributeAndUidLists() {
    assertTrue(QidoQuery.parse("ModalitiesInStudy=MR").matches(STUDY));
    assertFalse(QidoQuery.parse("ModalitiesInStudy=US").matches(STUDY));
    assertTrue(QidoQuery.parse("StudyInstanceUID=9.9,1.2.3.4").matches(STUDY));
    assertTrue(QidoQuery.parse("0020000D=1.2.3.4").matches(STUDY));
    assertFalse(QidoQuery.parse("StudyInstanceUID=1.2.3").matches(STUDY));
  }

  @Test
  void matchesClosedAndOpenDateRanges() {
    assertTrue(QidoQuery.parse("StudyDate=20240101-20241231").matches(STUDY));
    assertTrue(QidoQuery.parse("StudyDate=20240315-").matches(STUDY));
    assertTrue(QidoQuery.parse("StudyDate=-20240315").matches(STUDY));
    assertFalse(QidoQuery.parse("StudyDate=20240316-").matches(STUDY));
    assertFalse(QidoQuery.parse("StudyDate=20230101-20231231").matches(STUDY));
  }

  @Test
  void anEmptyValueMatchesEverythingButAnAbsentAttributeMatchesNothingElse() {
    assertTrue(QidoQuery.parse("AccessionNumber=").matches(STUDY));
    assertFalse(QidoQuery.parse("AccessionNumber=A1").matches(STUDY));
  }

  @Test
  void pagesWithOffsetAndLimit() {
    List<Integer> all = List.of(1, 2, 3, 4, 5);

    assertEquals(List.of(3, 4), QidoQuery.parse("offset=2&limit=2").page(all));
    assertEquals(List.of(), QidoQuery.parse("offset=9").page(all));
    assertEquals(List.of(), QidoQuery.parse("limit=0").page(all));
  }

  @Test
  void refusesMalformedParametersWithCodes() {
    assertEquals(8041, code("Nonsense=1"));
    assertEquals(8041, code("ReferencedSeriesSequence.SeriesInstanceUID=1.2"));
    assertEquals(8040, code("StudyInstanceUID=1.2.abc"));
    assertEquals(8042, code("limit=ten"));
    assertEquals(8042, code("offset=-1"));
    assertEquals(8042, code("StudyDate=2024-03-15"));
    assertEquals(8042, code("fuzzymatching=maybe"));
  }

  private static int code(String query) {
    return assertThrows(DicomWebError.class, () -> QidoQuery.parse(query)).code();
  }
}
