package org.fusioncds.dicom.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.fusioncds.dicom.codec.JpegLosslessTestEncoder.Spec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Lossless JPEG streams that DCMTK's encoder cannot write (restart intervals, one scan per
 * component, precisions other than 8 and 16, differences of 32768), made by {@link
 * JpegLosslessTestEncoder}: they must decode to the samples encoded.
 */
class JpegLosslessSyntheticStreamTest {

  /** Smooth ramps plus noise, below 2^precision, with the low {@code pt} bits zero. */
  private static int[] image(int width, int height, int components, int precision, int pt) {
    Random random = new Random(precision * 31L + components);
    int max = (1 << precision) - 1;
    int[] s = new int[width * height * components];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        for (int c = 0; c < components; c++) {
          int v = (x * 7 + y * 5 + c * 40) % (max + 1) + random.nextInt(9) - 4;
          s[(y * width + x) * components + c] = (Math.max(0, Math.min(max, v)) >> pt) << pt;
        }
      }
    }
    return s;
  }

  private static void roundTrips(Spec spec) {
    JpegExtendedImage img = JpegLosslessDecoder.decode(JpegLosslessTestEncoder.encode(spec));
    assertEquals(spec.width(), img.width(), "width");
    assertEquals(spec.height(), img.height(), "height");
    assertEquals(spec.components(), img.components(), "components");
    assertEquals(spec.precision(), img.precision(), "precision");
    assertArrayEquals(spec.samples(), img.samples(), spec.toString());
  }

  @ParameterizedTest(name = "selection value {0}")
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7})
  void restartIntervalsOfOneAndThreeLinesRestartThePrediction(int predictor) {
    for (int lines : new int[] {1, 3}) {
      roundTrips(new Spec(37, 20, 1, 12, predictor, 0, lines, false, image(37, 20, 1, 12, 0)));
    }
  }

  @ParameterizedTest(name = "selection value {0}")
  @ValueSource(ints = {1, 4, 7})
  void interleavedThreeComponentScanWithRestartsDecodes(int predictor) {
    roundTrips(new Spec(19, 11, 3, 8, predictor, 0, 2, false, image(19, 11, 3, 8, 0)));
  }

  @Test
  void oneScanPerComponentDecodes() {
    roundTrips(new Spec(23, 9, 3, 8, 6, 0, 0, true, image(23, 9, 3, 8, 0)));
  }

  @ParameterizedTest(name = "precision {0}")
  @ValueSource(ints = {2, 3, 7, 9, 12, 15, 16})
  void everyPrecisionFrom2To16Decodes(int precision) {
    roundTrips(new Spec(16, 8, 1, precision, 5, 0, 0, false, image(16, 8, 1, precision, 0)));
  }

  @Test
  void pointTransformShiftsTheReconstructedSamplesLeft() {
    roundTrips(new Spec(21, 7, 1, 16, 7, 4, 2, false, image(21, 7, 1, 16, 4)));
  }

  @Test
  void differenceOf32768IsCodedAsCategory16WithoutExtraBits() {
    int[] s = {0, 32768, 0, 65535, 32767, 32768, 65535, 0};
    roundTrips(new Spec(4, 2, 1, 16, 1, 0, 0, false, s));
  }
}
