package org.fusioncds.dicom.pixel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.fusioncds.dicom.Dataset;
import org.fusioncds.dicom.DicomException;
import org.fusioncds.dicom.DicomFile;
import org.fusioncds.dicom.DicomLimits;
import org.fusioncds.dicom.DicomReader;
import org.fusioncds.dicom.Tag;
import org.fusioncds.dicom.VR;
import org.fusioncds.testing.Dcmtk;
import org.fusioncds.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** YBR_FULL to RGB as an explicit step. */
class ColorConversionTest {

  @TempDir Path tmp;

  /**
   * No shared file is native YBR_FULL, so DCMTK makes one in a temporary folder: {@code dcmdjpeg
   * +cn} decompresses the YBR_FULL JPEG without converting colours, and {@code dcmdjpeg} (default,
   * converting) gives DCMTK's RGB.
   */
  @Test
  void nativeYbrFullConvertsToTheRgbThatDcmtkProduces() {
    Path jpeg = TestData.path("dicom/transfer-syntax/SC_rgb_jpeg_dcmtk.dcm");
    Path ybr = tmp.resolve("ybr.dcm");
    Path rgb = tmp.resolve("rgb.dcm");
    Dcmtk.run("dcmdjpeg", "+cn", jpeg.toString(), ybr.toString());
    Dcmtk.run("dcmdjpeg", jpeg.toString(), rgb.toString());
    try (DicomFile y = DicomReader.read(ybr);
        DicomFile r = DicomReader.read(rgb)) {
      assertEquals("YBR_FULL", y.dataset().getString(Tag.PhotometricInterpretation));
      Frame ybrFrame = PixelDecoder.decode(y, 0);
      assertEquals("YBR_FULL", ybrFrame.photometric());
      Frame converted = ColorConversion.toRgb(ybrFrame);
      Frame dcmtk = PixelDecoder.decode(r, 0);
      assertEquals("RGB", converted.photometric());
      assertArrayEquals(dcmtk.samples(), converted.samples());
      assertSame(dcmtk, ColorConversion.toRgb(dcmtk));
    }
  }

  @Test
  void convertsHandComputedPixels() {
    Dataset ds =
        new Dataset()
            .putInts(Tag.SamplesPerPixel, VR.US, 3)
            .putString(Tag.PhotometricInterpretation, VR.CS, "YBR_FULL")
            .putInts(Tag.Rows, VR.US, 1)
            .putInts(Tag.Columns, VR.US, 2)
            .putInts(Tag.BitsAllocated, VR.US, 8)
            .putInts(Tag.BitsStored, VR.US, 8)
            .putInts(Tag.HighBit, VR.US, 7)
            .putInts(Tag.PlanarConfiguration, VR.US, 0)
            .putBytes(
                Tag.PixelData,
                VR.OB,
                new byte[] {(byte) 128, (byte) 128, (byte) 128, 76, 85, (byte) 255});
    Frame rgb =
        ColorConversion.toRgb(
            PixelDecoder.decode(ds, "1.2.840.10008.1.2.1", 0, DicomLimits.DEFAULT));
    // grey stays grey; Y 76 Cb 85 Cr 255: R = 76 + 1.402·127 = 254.05, G = 76 + 0.34414·43 −
    // 0.71414·127 = 0.10, B = 76 − 1.772·43 = −0.20 → 0
    assertArrayEquals(new int[] {128, 128, 128, 254, 0, 0}, rgb.samples());
  }

  @Test
  void refusesMonochromeWithCode() {
    Frame mono = new Frame(1, 1, 1, 8, 8, 0, "MONOCHROME2", new int[] {1});
    assertEquals(
        2155, assertThrows(DicomException.class, () -> ColorConversion.toRgb(mono)).code());
  }
}
