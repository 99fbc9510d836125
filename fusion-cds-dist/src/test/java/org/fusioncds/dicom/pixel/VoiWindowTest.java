package org.fusioncds.dicom.pixel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.fusioncds.dicom.Dataset;
import org.fusioncds.dicom.DicomException;
import org.fusioncds.dicom.DicomFile;
import org.fusioncds.dicom.DicomReader;
import org.fusioncds.dicom.Tag;
import org.fusioncds.dicom.VR;
import org.fusioncds.testing.TestData;
import org.junit.jupiter.api.Test;

/** VOI windowing against values computed by hand from the formulas of PS3.3 C.11.2.1. */
class VoiWindowTest {

  @Test
  void linearWindowOfSignedCtMatchesHandComputedValues() {
    try (DicomFile f = DicomReader.read(TestData.path("dicom/modality/CT_orthanc_SignedCT.dcm"))) {
      VoiWindow w = VoiWindow.find(f.dataset()).orElseThrow();
      assertEquals(new VoiWindow(-600, 1600, VoiWindow.Function.LINEAR), w);
      float[] hu = ModalityLut.of(f.dataset()).apply(PixelDecoder.decode(f, 0));
      float[] y = w.apply(hu);
      // linear: below c - 0.5 - (w-1)/2 = -1400 → 0; above c - 0.5 + (w-1)/2 = 199 → 1;
      // else (x - (c - 0.5)) / (w - 1) + 0.5
      assertEquals(0f, y[0]); // padding, -3024 HU
      assertEquals(0.5 + (-1024 + 600.5) / 1599, y[40 * 512 + 256], 1e-6); // air: 0.2351470
      assertEquals(0.5 + (-49 + 600.5) / 1599, y[100 * 512 + 150], 1e-6); // 0.8449031
      assertEquals(0.5 + (128 + 600.5) / 1599, y[256 * 512 + 150], 1e-6); // 0.9555972
      assertEquals(0.235146967f, y[40 * 512 + 256], 1e-6);
    }
  }

  @Test
  void linearWindowBoundariesFollowTheStandard() {
    VoiWindow w = new VoiWindow(40, 400);
    // low edge: 40 - 0.5 - 199.5 = -160 → 0; high edge 239 (strictly above → 1)
    assertEquals(0f, w.apply(-160f));
    assertEquals((-159 - 39.5) / 399 + 0.5, w.apply(-159f), 1e-7);
    assertEquals((239 - 39.5) / 399 + 0.5, w.apply(239f), 1e-7); // 1.0 exactly
    assertEquals(1f, w.apply(239.01f));
    VoiWindow narrow = new VoiWindow(10, 1); // width 1: a threshold at 9.5
    assertEquals(0f, narrow.apply(9.5f));
    assertEquals(1f, narrow.apply(9.6f));
  }

  @Test
  void linearExactAndSigmoidFunctionsAreReadFromTheDataSet() {
    Dataset ds =
        new Dataset()
            .putString(Tag.WindowCenter, VR.DS, "40", "300")
            .putString(Tag.WindowWidth, VR.DS, "400", "1500")
            .putString(VoiWindow.VOI_LUT_FUNCTION, VR.CS, "LINEAR_EXACT");
    VoiWindow exact = VoiWindow.find(ds).orElseThrow();
    assertEquals(VoiWindow.Function.LINEAR_EXACT, exact.function());
    assertEquals(0.5f, exact.apply(40f));
    assertEquals(0.75f, exact.apply(140f));
    assertEquals(0f, exact.apply(-160f));
    assertEquals(1f, exact.apply(240f)); // (200 / 400) + 0.5
    assertEquals(1f, exact.apply(241f));
    assertEquals(
        new VoiWindow(300, 1500, VoiWindow.Function.LINEAR_EXACT),
        VoiWindow.find(ds, 1).orElseThrow());

    ds.putString(VoiWindow.VOI_LUT_FUNCTION, VR.CS, "SIGMOID");
    VoiWindow sigmoid = VoiWindow.find(ds).orElseThrow();
    assertEquals(0.5f, sigmoid.apply(40f));
    assertEquals(1 / (1 + Math.exp(-1)), sigmoid.apply(140f), 1e-7); // 0.7310586
    assertEquals(1 / (1 + Math.exp(1)), sigmoid.apply(-60f), 1e-7); // 0.2689414
  }

  @Test
  void monochrome1CrIsInvertedAsASeparateStep() {
    try (DicomFile f =
        DicomReader.read(TestData.path("dicom/series/pydicom-dicomdirtests/77654033/CR3/6278"))) {
      Frame px = PixelDecoder.decode(f, 0);
      assertTrue(VoiWindow.needsInversion(px));
      ModalityLut lut = ModalityLut.of(f.dataset());
      assertEquals(new ModalityLut(0.684, 200, "OD"), lut); // optical density
      VoiWindow w = VoiWindow.find(f.dataset()).orElseThrow();
      assertEquals(new VoiWindow(1600, 2800), w);
      float[] y = w.apply(lut.apply(px));
      float[] shown = VoiWindow.invert(y);
      for (int i : new int[] {0, 37, 255}) {
        double x = px.samples()[i] * 0.684 + 200;
        double expected = x <= 200 ? 0 : x > 2999 ? 1 : (x - 1599.5) / 2799 + 0.5;
        assertEquals(expected, y[i], 1e-6, "pixel " + i);
        assertEquals(1 - expected, shown[i], 1e-6, "pixel " + i);
      }
    }
  }

  @Test
  void enhancedCtTakesTheFrameVoiLutSequence() {
    try (DicomFile f =
        DicomReader.read(TestData.path("dicom/multiframe/CT0012.not_fragmented_bot_rle.dcm"))) {
      assertEquals(new VoiWindow(49, 102), VoiWindow.forFrame(f.dataset(), 1).orElseThrow());
    }
    Dataset perFrame = new Dataset();
    perFrame.putSequence(
        Tag.FrameVOILUTSequence,
        List.of(
            new Dataset()
                .putString(Tag.WindowCenter, VR.DS, "10")
                .putString(Tag.WindowWidth, VR.DS, "20")));
    Dataset ds =
        new Dataset()
            .putString(Tag.WindowCenter, VR.DS, "1")
            .putString(Tag.WindowWidth, VR.DS, "2");
    ds.putSequence(Tag.PerFrameFunctionalGroupsSequence, List.of(new Dataset(), perFrame));
    assertEquals(new VoiWindow(1, 2), VoiWindow.forFrame(ds, 0).orElseThrow());
    assertEquals(new VoiWindow(10, 20), VoiWindow.forFrame(ds, 1).orElseThrow());
  }

  @Test
  void refusesBadWindowsWithCodes() {
    assertEquals(2143, assertThrows(DicomException.class, () -> new VoiWindow(0, 0.5)).code());
    assertEquals(
        2143,
        assertThrows(DicomException.class, () -> new VoiWindow(0, 0, VoiWindow.Function.SIGMOID))
            .code());
    Dataset counts =
        new Dataset()
            .putString(Tag.WindowCenter, VR.DS, "1", "2")
            .putString(Tag.WindowWidth, VR.DS, "10");
    assertEquals(2144, assertThrows(DicomException.class, () -> VoiWindow.find(counts)).code());
    Dataset fn =
        new Dataset()
            .putString(Tag.WindowCenter, VR.DS, "1")
            .putString(Tag.WindowWidth, VR.DS, "10")
            .putString(VoiWindow.VOI_LUT_FUNCTION, VR.CS, "CUBIC");
    assertEquals(2145, assertThrows(DicomException.class, () -> VoiWindow.find(fn)).code());
    assertTrue(VoiWindow.find(new Dataset()).isEmpty());
  }
}
