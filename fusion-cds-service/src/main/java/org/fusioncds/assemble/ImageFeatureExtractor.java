package org.fusioncds.assemble;

import java.util.Arrays;
import java.util.List;
import org.fusioncds.model.ImageFeatureNames;
import org.fusioncds.model.ModelCard.ImageFeatures;

/**
 * The card's {@code imageFeatures} of one windowed, resized image (values in [0, 1], rows ×
 * columns, C order): the {@link ThresholdMask} on the windowed values, then (when {@code equalize})
 * {@link HistogramEqualisation} over the mask, then each declared feature over the mask — {@link
 * SobelStats}, {@link Glcm}, {@link UniformLbp}, and the mask's own fraction, mean and standard
 * deviation (of the windowed, not equalised, values). Deterministic; thread-safe.
 */
public final class ImageFeatureExtractor {

  private final ImageFeatures spec;
  private final int width;

  public ImageFeatureExtractor(ImageFeatures spec) {
    this.spec = spec;
    this.width = spec.columns().size();
  }

  /** The feature row for a missing image: every column {@code fill}. */
  public float[] missing() {
    float[] f = new float[width];
    Arrays.fill(f, spec.fill().floatValue());
    return f;
  }

  public float[] apply(double[] windowed, int rows, int columns) {
    boolean[] mask = ThresholdMask.of(windowed, spec.mask());
    double[] v = spec.equalize() ? HistogramEqualisation.apply(windowed, mask) : windowed;
    Lazy lazy = new Lazy(v, windowed, mask, rows, columns);
    float[] out = new float[width];
    int k = 0;
    for (String name : spec.names()) {
      for (double x : lazy.values(name)) {
        out[k++] = (float) x;
      }
    }
    return out;
  }

  /** Each family computed at most once per image. */
  private final class Lazy {
    final double[] v;
    final double[] windowed;
    final boolean[] mask;
    final int rows;
    final int columns;
    SobelStats.Result sobel;
    Glcm.Props glcm;

    Lazy(double[] v, double[] windowed, boolean[] mask, int rows, int columns) {
      this.v = v;
      this.windowed = windowed;
      this.mask = mask;
      this.rows = rows;
      this.columns = columns;
    }

    double[] values(String name) {
      return switch (name) {
        case "sobel_mean" -> new double[] {sobel().mean()};
        case "sobel_p95" -> new double[] {sobel().p95()};
        case "glcm_contrast" -> new double[] {glcm().contrast()};
        case "glcm_homogeneity" -> new double[] {glcm().homogeneity()};
        case "glcm_energy" -> new double[] {glcm().energy()};
        case "glcm_correlation" -> new double[] {glcm().correlation()};
        case "mask_fraction" -> new double[] {ThresholdMask.count(mask) / (double) mask.length};
        case "mask_mean" -> new double[] {moments()[0]};
        case "mask_std" -> new double[] {moments()[1]};
        case ImageFeatureNames.LBP_HIST_8 -> UniformLbp.histogram(v, mask, rows, columns);
        default -> throw new IllegalStateException("validated card names " + name);
      };
    }

    SobelStats.Result sobel() {
      if (sobel == null) {
        sobel = SobelStats.of(v, mask, rows, columns);
      }
      return sobel;
    }

    Glcm.Props glcm() {
      if (glcm == null) {
        glcm = Glcm.props(Glcm.quantise(v, spec.levels()), mask, rows, columns, spec.levels());
      }
      return glcm;
    }

    /** {mean, population standard deviation} of the masked windowed values; {0, 0} if none. */
    double[] moments() {
      double s = 0;
      double s2 = 0;
      int n = 0;
      for (int i = 0; i < windowed.length; i++) {
        if (mask[i]) {
          s += windowed[i];
          s2 += windowed[i] * windowed[i];
          n++;
        }
      }
      if (n == 0) {
        return new double[] {0, 0};
      }
      double mean = s / n;
      return new double[] {mean, Math.sqrt(Math.max(0, s2 / n - mean * mean))};
    }
  }

  /** The columns this extractor writes. */
  public List<String> columns() {
    return spec.columns();
  }
}
