package org.fusioncds.assemble;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.fusioncds.dicom.DicomFile;
import org.fusioncds.dicom.DicomReader;
import org.fusioncds.dicom.pixel.Frame;
import org.fusioncds.dicom.pixel.PixelDecoder;
import org.fusioncds.model.ModelCard.ImageFeatures;
import org.fusioncds.model.ModelCard.ImageSpec;
import org.fusioncds.model.ModelCard.Range;
import org.fusioncds.model.ModelCard.Window;
import org.fusioncds.testing.TestData;
import org.junit.jupiter.api.Test;

/**
 * The classical image features against independent oracles: scikit-image's documented GLCM of its
 * 4×4 example, properties and edge, pattern and equalisation values worked out by hand, and
 * symmetries every correct implementation has on a real radiograph.
 */
class ImageFeaturesTest {

  /** The image of scikit-image's {@code graycomatrix} docstring (levels 4). */
  private static final int[] SKIMAGE_EXAMPLE = {0, 0, 1, 1, 0, 0, 1, 1, 0, 2, 2, 2, 2, 2, 3, 3};

  private static final List<String> ALL =
      List.of(
          "sobel_mean",
          "sobel_p95",
          "glcm_contrast",
          "glcm_homogeneity",
          "glcm_energy",
          "glcm_correlation",
          "lbp_hist(8)",
          "mask_fraction",
          "mask_mean",
          "mask_std");

  private static boolean[] all(int n) {
    boolean[] m = new boolean[n];
    java.util.Arrays.fill(m, true);
    return m;
  }

  private static long[][] counts(int dr, int dc) {
    return Glcm.counts(SKIMAGE_EXAMPLE, all(16), 4, 4, 4, dr, dc);
  }

  @Test
  void glcmCountsEqualScikitImageDocumentedExampleForTheFourAngles() {
    assertArrayEquals(
        new long[][] {{2, 2, 1, 0}, {0, 2, 0, 0}, {0, 0, 3, 1}, {0, 0, 0, 1}}, counts(0, 1));
    assertArrayEquals(
        new long[][] {{1, 1, 3, 0}, {0, 1, 1, 0}, {0, 0, 0, 2}, {0, 0, 0, 0}}, counts(1, 1));
    assertArrayEquals(
        new long[][] {{3, 0, 2, 0}, {0, 2, 2, 0}, {0, 0, 1, 2}, {0, 0, 0, 0}}, counts(1, 0));
    assertArrayEquals(
        new long[][] {{2, 0, 0, 0}, {1, 1, 2, 0}, {0, 0, 2, 1}, {0, 0, 0, 0}}, counts(1, -1));
  }

  @Test
  void glcmPropertiesOfTheDocumentedExampleAtAngleZeroWorkedByHand() {
    // symmetric, normalised: P = (C + Cᵀ) / 24; diagonal 4, 4, 6, 2; (0,1) 2; (0,2) 1; (2,3) 1
    double[] p = Glcm.props(counts(0, 1));

    double contrast = 2 * (2 * 1 + 1 * 4 + 1 * 1) / 24.0;
    double homogeneity = (16 + 2 * 2 / 2.0 + 2 * 1 / 5.0 + 2 * 1 / 2.0) / 24;
    double energy = Math.sqrt(16 + 16 + 36 + 4 + 2 * 4 + 2 * 1 + 2 * 1) / 24;
    double mu = (0 * 7 + 1 * 6 + 2 * 8 + 3 * 3) / 24.0; // marginal 7, 6, 8, 3 (of 24)
    double var =
        (7 * mu * mu + 6 * (1 - mu) * (1 - mu) + 8 * (2 - mu) * (2 - mu) + 3 * (3 - mu) * (3 - mu))
            / 24;
    double correlation = ((1 * 4 + 4 * 6 + 9 * 2 + 2 * 6) / 24.0 - mu * mu) / var;
    assertEquals(7 / 12.0, contrast, 1e-15);
    assertArrayEquals(new double[] {contrast, homogeneity, energy, correlation}, p, 1e-12);
  }

  @Test
  void glcmCountsOnlyPairsWhoseTwoPixelsAreInTheMask() {
    boolean[] mask = all(16);
    mask[2] = false; // row 0, column 2: its pairs (0,1)→(1) and (1)→(1) at angle 0 drop out

    long[][] c = Glcm.counts(SKIMAGE_EXAMPLE, mask, 4, 4, 4, 0, 1);

    assertEquals(1, c[0][1]);
    assertEquals(1, c[1][1]);
  }

  @Test
  void glcmQuantisesUnitValuesIntoLevelsWithOneInTheTopLevel() {
    assertArrayEquals(
        new int[] {0, 0, 1, 3, 3}, Glcm.quantise(new double[] {0, 0.249, 0.25, 0.99, 1.0}, 4));
  }

  @Test
  void sobelOfAVerticalStepIsFourOnTheEdgeAndZeroBeside() {
    double[] step = new double[25];
    for (int r = 0; r < 5; r++) {
      for (int c = 2; c < 5; c++) {
        step[r * 5 + c] = 1;
      }
    }

    SobelStats.Result s = SobelStats.of(step, all(25), 5, 5);

    assertEquals(4, SobelStats.magnitude(step, 5, 2, 1), 1e-15);
    assertEquals(4, SobelStats.magnitude(step, 5, 2, 2), 1e-15);
    assertEquals(0, SobelStats.magnitude(step, 5, 2, 3), 1e-15);
    assertEquals(8 / 3.0, s.mean(), 1e-15); // 3 interior rows of 4, 4, 0
    assertEquals(4, s.p95(), 1e-15); // ⌈0.95·9⌉ = 9th smallest
  }

  @Test
  void sobelOfADiagonalRampCombinesBothDirections() {
    double[] ramp = new double[9];
    for (int i = 0; i < 9; i++) {
      ramp[i] = i / 3 + i % 3; // r + c
    }
    // gx = (1+2+1)·2 over a span of 2 columns = 8, gy likewise: √(64+64)
    assertEquals(Math.sqrt(128), SobelStats.magnitude(ramp, 3, 1, 1), 1e-12);
  }

  @Test
  void uniformLbpLabelsWorkedByHand() {
    double[] flat = {5, 5, 5, 5, 5, 5, 5, 5, 5};
    double[] peak = {0, 0, 0, 0, 1, 0, 0, 0, 0};
    double[] upperHalf = {9, 9, 9, 1, 5, 9, 0, 0, 0}; // E, NE, N, NW ≥ centre; W, SW, S, SE below
    double[] checker = {9, 0, 9, 0, 5, 0, 9, 0, 9}; // corners above, edges below: 8 transitions

    assertEquals(8, UniformLbp.label(flat, 3, 1, 1));
    assertEquals(0, UniformLbp.label(peak, 3, 1, 1));
    assertEquals(4, UniformLbp.label(upperHalf, 3, 1, 1));
    assertEquals(9, UniformLbp.label(checker, 3, 1, 1));
  }

  @Test
  void lbpHistogramIsNormalisedOverMaskedInteriorPixels() {
    double[] flat = new double[16];

    double[] h = UniformLbp.histogram(flat, all(16), 4, 4);

    double[] expected = new double[10];
    expected[8] = 1;
    assertArrayEquals(expected, h, 0);
  }

  @Test
  void equalisationMapsTheCumulativeHistogramToUnitRange() {
    double[] v = {0.9, 0.1, 0.1, 0.3, 0.3, 0.3, 0.7};
    boolean[] mask = all(7);
    mask[6] = false; // 0.7 is outside the mask: left as it is, not counted

    double[] eq = HistogramEqualisation.apply(v, mask);

    // bins: 0.1 → 2 pixels, 0.3 → 5 cumulative, 0.9 → 6; cdf_min 2, n 6
    assertArrayEquals(new double[] {1, 0, 0, 0.75, 0.75, 0.75, 0.7}, eq, 1e-15);
  }

  @Test
  void maskKeepsTheClosedBand() {
    boolean[] m = ThresholdMask.of(new double[] {0.1, 0.2, 0.35, 0.5, 0.6}, new Range(0.2, 0.5));

    assertArrayEquals(new boolean[] {false, true, true, true, false}, m);
  }

  @Test
  void missingImageGivesTheFillInEveryColumn() {
    ImageFeatureExtractor x = new ImageFeatureExtractor(spec(true));

    float[] f = x.missing();

    assertEquals(19, f.length);
    for (float v : f) {
      assertEquals(-1f, v);
    }
  }

  private static ImageFeatures spec(boolean equalize) {
    return spec(equalize, new Range(0.2, 0.8));
  }

  private static ImageFeatures spec(boolean equalize, Range mask) {
    return new ImageFeatures("image_features", equalize, mask, 16, ALL, -1.0);
  }

  /** About half of the radiograph's windowed values (median ≈ 0.38) lie above this. */
  private static final Range UPPER_HALF = new Range(0.38, 1.0);

  /** Michele's real chest CR (Synthea fixture, 16-bit) windowed and resized as the card does. */
  private static double[] radiograph(int size) {
    try (DicomFile f = DicomReader.read(TestData.path(SyntheaFixture.CR_16))) {
      Frame frame = PixelDecoder.decode(f, 0);
      ImageSpec s =
          new ImageSpec(
              "image",
              "image_present",
              true,
              new Window("dicom", null, null),
              size,
              size,
              "area",
              0.5,
              0.25,
              0.0);
      return new ImagePreprocessor(s).windowed(f.dataset(), frame);
    }
  }

  private static double[] transpose(double[] v, int n) {
    double[] t = new double[v.length];
    for (int r = 0; r < n; r++) {
      for (int c = 0; c < n; c++) {
        t[c * n + r] = v[r * n + c];
      }
    }
    return t;
  }

  @Test
  void featuresOfARealRadiographAreUnchangedByTransposition() {
    double[] img = radiograph(128);
    ImageFeatureExtractor x = new ImageFeatureExtractor(spec(true, UPPER_HALF));

    float[] f = x.apply(img, 128, 128);
    float[] t = x.apply(transpose(img, 128), 128, 128);

    // the four GLCM angles map onto each other, |∇| and the uniform LBP labels do not change
    assertArrayEquals(f, t, 1e-6f);
    double lbpSum = 0;
    for (int i = 6; i < 16; i++) {
      lbpSum += f[i];
    }
    assertEquals(1, lbpSum, 1e-5);
    assertTrue(f[16] > 0.05 && f[16] < 0.95, "mask fraction " + f[16]);
    assertTrue(f[5] > 0 && f[5] <= 1, "correlation of a smooth image " + f[5]);
  }

  @Test
  void equalisationSpreadsARealRadiographsMaskedValuesOverTheUnitRange() {
    double[] img = radiograph(128);
    boolean[] mask = ThresholdMask.of(img, UPPER_HALF);

    double[] eq = HistogramEqualisation.apply(img, mask);

    double sum = 0;
    int n = 0;
    for (int i = 0; i < eq.length; i++) {
      if (mask[i]) {
        sum += eq[i];
        n++;
      }
    }
    assertEquals(0.5, sum / n, 0.05, "mean of the equalised masked values");
  }

  @Test
  void extractionOfOneImageTakesAFewMilliseconds() {
    double[] img = radiograph(128);
    ImageFeatureExtractor x = new ImageFeatureExtractor(spec(true));
    for (int i = 0; i < 200; i++) {
      x.apply(img, 128, 128);
    }

    long t0 = System.nanoTime();
    int runs = 500;
    for (int i = 0; i < runs; i++) {
      x.apply(img, 128, 128);
    }
    double ms = (System.nanoTime() - t0) / 1e6 / runs;

    System.out.printf("image features: %.3f ms per 128x128 image%n", ms);
    assertTrue(ms < 50, "ms per image " + ms);
  }
}
