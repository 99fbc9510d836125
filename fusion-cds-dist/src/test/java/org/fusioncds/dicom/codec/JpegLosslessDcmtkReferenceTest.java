package org.fusioncds.dicom.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.fusioncds.testing.Dcmtk;
import org.fusioncds.testing.TestData;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Lossless JPEG written by DCMTK's {@code dcmcjpeg} with every selection value and with point
 * transforms, decoded by ours and by {@code dcmdjpeg}: every sample must be equal. DCMTK must be
 * installed: without it these tests fail, naming what is missing.
 */
class JpegLosslessDcmtkReferenceTest {

  @TempDir Path temp;

  private void agreesWithDcmtk(String source, int predictor, int pointTransform, int precision)
      throws Exception {
    assertTrue(
        JpegExtendedFixtures.dcmtkAvailable(),
        "dcmdjpeg (DCMTK) not installed: .ci/run installs it");
    Path encoded = temp.resolve("sv" + predictor + "pt" + pointTransform + ".dcm");
    Dcmtk.run(
        "dcmcjpeg",
        "+el",
        "+sv",
        String.valueOf(predictor),
        "+pt",
        String.valueOf(pointTransform),
        TestData.path(source).toString(),
        encoded.toString());
    List<byte[]> codestreams = JpegExtendedFixtures.frames(encoded);
    assertEquals(1, codestreams.size(), "frames");

    JpegExtendedImage ours = JpegLosslessDecoder.decode(codestreams.get(0));

    int[] reference =
        JpegExtendedFixtures.dcmtkPixels(
            encoded, temp, ours.samples().length, precision > 8 ? 2 : 1);
    assertEquals(precision, ours.precision(), "precision");
    assertArrayEquals(reference, ours.samples(), "samples of " + encoded.getFileName());
  }

  @ParameterizedTest(name = "selection value {0}, point transform {1}")
  @CsvSource({"1,0", "2,0", "3,0", "4,0", "5,0", "6,0", "7,0", "1,3", "4,5", "7,15"})
  void signed16BitCtDecodesEqualToDcmtkForEveryPredictorAndPointTransform(int sv, int pt)
      throws Exception {
    agreesWithDcmtk("dicom/modality/CT_small.dcm", sv, pt, 16);
  }

  @ParameterizedTest(name = "selection value {0}, point transform {1}")
  @CsvSource({"1,0", "5,0", "6,2", "7,0"})
  void interleavedRgb8BitDecodesEqualToDcmtk(int sv, int pt) throws Exception {
    agreesWithDcmtk("dicom/modality/US_examples_rgb_color.dcm", sv, pt, 8);
  }
}
