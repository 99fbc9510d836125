package org.fusioncds.dicom.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.fusioncds.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Decodes real DICOM JPEG files and compares every sample with DCMTK's {@code dcmdjpeg} (libjpeg
 * "islow" integer IDCT), which must be installed: without it these tests fail (not skip), naming
 * what is missing, so that a build without the reference cannot pass as if it had agreed with it.
 */
class JpegExtendedDcmtkReferenceTest {

  @TempDir Path temp;

  /** Our IDCT is libjpeg's integer one, as DCMTK's: every sample must be equal. */
  private static final int TOLERANCE = 0;

  /**
   * Decodes each frame, compares it with DCMTK and returns {max difference, differing samples} over
   * all frames.
   */
  private long[] compareWithDcmtk(
      String file, int frames, int width, int height, int components, int precision)
      throws Exception {
    assertTrue(
        JpegExtendedFixtures.dcmtkAvailable(),
        "dcmdjpeg (DCMTK) not installed: .ci/run installs it");
    Path path = TestData.path(file);
    List<byte[]> codestreams = JpegExtendedFixtures.frames(path);
    assertEquals(frames, codestreams.size(), "frames in " + file);
    int perFrame = width * height * components;
    int[] reference =
        JpegExtendedFixtures.dcmtkPixels(path, temp, perFrame * frames, precision > 8 ? 2 : 1);
    long max = 0;
    long count = 0;
    for (int i = 0; i < frames; i++) {
      JpegExtendedImage img = JpegExtendedDecoder.decode(codestreams.get(i));
      assertEquals(width, img.width(), "width");
      assertEquals(height, img.height(), "height");
      assertEquals(components, img.components(), "components");
      assertEquals(precision, img.precision(), "precision");
      assertEquals(perFrame, img.samples().length, "samples");
      long[] diff =
          JpegExtendedFixtures.compare(img.samples(), 0, reference, i * perFrame, perFrame);
      max = Math.max(max, diff[0]);
      count += diff[1];
    }
    System.out.printf(
        "%s: %d frame(s) %dx%dx%d %d-bit: max |diff| vs dcmdjpeg = %d, differing samples = %d"
            + " of %d%n",
        file, frames, width, height, components, precision, max, count, (long) perFrame * frames);
    assertTrue(
        max <= TOLERANCE,
        file + ": max difference " + max + " (" + count + " samples differ) exceeds " + TOLERANCE);
    return new long[] {max, count};
  }

  @Test
  void decodes12BitNmEqualToDcmtk() throws Exception {
    compareWithDcmtk("dicom/transfer-syntax/JPEG-lossy.dcm", 1, 256, 1024, 1, 12);
  }

  @Test
  void decodes12BitFragmentedCtFramesEqualToDcmtk() throws Exception {
    compareWithDcmtk(
        "dicom/multiframe/CT0012.fragmented_no_bot_jpeg_baseline.51.dcm", 2, 512, 512, 1, 12);
  }

  @Test
  void decodes8BitYbrFull444BaselineEqualToDcmtk() throws Exception {
    compareWithDcmtk("dicom/transfer-syntax/SC_rgb_jpeg_dcmtk.dcm", 1, 100, 100, 3, 8);
  }

  @Test
  void decodes8BitYbr422UltrasoundFramesEqualToDcmtk() throws Exception {
    compareWithDcmtk("dicom/multiframe/US_examples_ybr_color.dcm", 30, 320, 240, 3, 8);
  }

  @Test
  void decodes8BitYbr422BaselineWithComponentIdsFromZeroEqualToDcmtk() throws Exception {
    compareWithDcmtk("dicom/transfer-syntax/orthanc_1.2.840.10008.1.2.4.50.dcm", 1, 640, 480, 3, 8);
  }
}
