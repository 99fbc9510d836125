package org.fusioncds.dicom.pixel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.fusioncds.dicom.Dataset;
import org.fusioncds.dicom.DicomException;
import org.fusioncds.dicom.DicomFile;
import org.fusioncds.dicom.DicomReader;
import org.fusioncds.dicom.Element;
import org.fusioncds.dicom.Tag;
import org.fusioncds.dicom.VR;
import org.fusioncds.testing.Dcmtk;
import org.fusioncds.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The modality LUT on real CT files, against DCMTK's raw pixels and its printed rescale. */
class ModalityLutTest {

  @TempDir Path tmp;

  /** Stored values as DCMTK writes them ({@code dcmdump +W}), signed 16-bit little endian. */
  private short[] dcmtkStoredValues(Path file) throws IOException {
    Dcmtk.run("dcmdump", "-q", "+W", tmp.toString(), file.toString());
    Path raw = tmp.resolve(file.getFileName() + ".0.raw");
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(raw)).order(ByteOrder.LITTLE_ENDIAN);
    short[] out = new short[b.remaining() / 2];
    b.asShortBuffer().get(out);
    return out;
  }

  private static double dcmtkValue(Path file, String tag) {
    String line = Dcmtk.run("dcmdump", "-q", "+P", tag, file.toString());
    return Double.parseDouble(line.substring(line.indexOf('[') + 1, line.indexOf(']')).trim());
  }

  @Test
  void ctSmallHounsfieldUnitsAreStoredTimesSlopePlusInterceptAsDcmtkPrintsThem()
      throws IOException {
    Path file = TestData.path("dicom/modality/CT_small.dcm");
    double slope = dcmtkValue(file, "0028,1053");
    double intercept = dcmtkValue(file, "0028,1052");
    assertEquals(1, slope);
    assertEquals(-1024, intercept);
    short[] stored = dcmtkStoredValues(file);
    try (DicomFile f = DicomReader.read(file)) {
      ModalityLut lut = ModalityLut.of(f.dataset());
      assertEquals(new ModalityLut(slope, intercept, null), lut);
      float[] hu = lut.apply(PixelDecoder.decode(f, 0));
      assertEquals(stored.length, hu.length);
      for (int i = 0; i < hu.length; i++) {
        assertEquals(stored[i] * slope + intercept, hu[i], 0, "pixel " + i);
      }
      // air above the patient in the top corners: stored 175 and 216
      assertEquals(-849, hu[0]);
      assertEquals(-808, hu[127]);
    }
  }

  @Test
  void signedCtGivesAirNearMinus1000AndPaddingBelow() throws IOException {
    Path file = TestData.path("dicom/modality/CT_orthanc_SignedCT.dcm");
    short[] stored = dcmtkStoredValues(file);
    try (DicomFile f = DicomReader.read(file)) {
      float[] hu = ModalityLut.of(f.dataset()).apply(PixelDecoder.decode(f, 0));
      for (int i = 0; i < hu.length; i++) {
        assertEquals(stored[i] - 1024f, hu[i], 0, "pixel " + i);
      }
      assertEquals(-3024, hu[0]); // the corner is outside the field of view: padding -2000
      assertEquals(-1024, hu[40 * 512 + 256]); // air above the patient
      assertEquals(-948, hu[60 * 512 + 150]);
      assertEquals(128, hu[256 * 512 + 150]);
    }
  }

  @Test
  void enhancedCtTakesTheSharedPixelValueTransformation() {
    try (DicomFile f =
        DicomReader.read(TestData.path("dicom/multiframe/CT0012.not_fragmented_bot_rle.dcm"))) {
      Dataset ds = f.dataset();
      for (int frame = 0; frame < 2; frame++) {
        ModalityLut lut = ModalityLut.forFrame(ds, frame);
        assertEquals(1, lut.slope());
        assertEquals(-1024, lut.intercept());
        assertEquals("US", lut.type());
        Frame px = PixelDecoder.decode(f, frame);
        float[] v = lut.apply(px);
        assertEquals(px.samples()[1000] - 1024f, v[1000]);
      }
    }
  }

  @Test
  void perFrameTransformationOverridesSharedOne() {
    Dataset shared = new Dataset();
    shared.putSequence(Tag.PixelValueTransformationSequence, List.of(rescale("2", "-100")));
    Dataset frame1 = new Dataset();
    frame1.putSequence(Tag.PixelValueTransformationSequence, List.of(rescale("0.5", "10")));
    Dataset ds = new Dataset();
    ds.putString(Tag.RescaleSlope, VR.DS, "7");
    ds.putSequence(Tag.SharedFunctionalGroupsSequence, List.of(shared));
    ds.putSequence(Tag.PerFrameFunctionalGroupsSequence, List.of(new Dataset(), frame1));
    assertEquals(new ModalityLut(2, -100, null), ModalityLut.forFrame(ds, 0));
    assertEquals(new ModalityLut(0.5, 10, null), ModalityLut.forFrame(ds, 1));
    assertEquals(new ModalityLut(7, 0, null), ModalityLut.of(ds));
  }

  @Test
  void absentRescaleIsTheIdentity() {
    try (DicomFile f = DicomReader.read(TestData.path("dicom/multiframe/emri_small.dcm"))) {
      // emri_small carries no functional groups (stripped by its anonymiser): top level, identity
      assertTrue(ModalityLut.forFrame(f.dataset(), 3).isIdentity());
      Frame px = PixelDecoder.decode(f, 3);
      float[] v = ModalityLut.forFrame(f.dataset(), 3).apply(px);
      assertEquals(px.samples()[77], v[77]);
    }
  }

  @Test
  void refusesZeroSlopeAndModalityLutSequenceWithCodes() {
    Dataset ds = new Dataset().putString(Tag.RescaleSlope, VR.DS, "0");
    assertEquals(2140, assertThrows(DicomException.class, () -> ModalityLut.of(ds)).code());
    Dataset lutSeq = new Dataset();
    lutSeq.put(new Element(ModalityLut.MODALITY_LUT_SEQUENCE, VR.SQ, List.of(new Dataset())));
    assertEquals(2141, assertThrows(DicomException.class, () -> ModalityLut.of(lutSeq)).code());
  }

  @Test
  void refusesColourFramesWithCode() {
    Frame rgb = new Frame(1, 1, 3, 8, 8, 0, "RGB", new int[] {1, 2, 3});
    DicomException e = assertThrows(DicomException.class, () -> ModalityLut.IDENTITY.apply(rgb));
    assertEquals(2142, e.code());
  }

  private static Dataset rescale(String slope, String intercept) {
    return new Dataset()
        .putString(Tag.RescaleSlope, VR.DS, slope)
        .putString(Tag.RescaleIntercept, VR.DS, intercept);
  }
}
