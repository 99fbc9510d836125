package org.fusioncds.assemble;

import org.fusioncds.dicom.Dataset;
import org.fusioncds.dicom.Tag;
import org.fusioncds.dicom.pixel.Frame;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.model.ModelCard.ImageSpec;
import org.fusioncds.model.ModelCard.Window;

/**
 * Grey-scale image preprocessing per the card (DICOM PS3.3 C.11.1 modality LUT as Rescale
 * Slope/Intercept, C.11.2.1.2.1 linear VOI window function to [0,1], MONOCHROME1 inverted), then
 * {@link Resize} and (v − mean) / std. Deterministic: doubles throughout, float at the end.
 */
public final class ImagePreprocessor {

  private final ImageSpec spec;

  public ImagePreprocessor(ImageSpec spec) {
    this.spec = spec;
  }

  /** The normalised rows×columns image, C order. */
  public float[] apply(Dataset ds, Frame frame) {
    return normalise(windowed(ds, frame));
  }

  /**
   * The windowed image in [0, 1] resized to rows×columns, C order, before (v − mean) / std: what
   * the classical image features are computed from.
   */
  public double[] windowed(Dataset ds, Frame frame) {
    check(frame);
    double[] v = modality(ds, frame);
    double[] cw = window(ds, v);
    boolean invert = frame.photometric().equals("MONOCHROME1");
    window(v, cw[0], cw[1], invert);
    return Resize.apply(
        v, frame.rows(), frame.columns(), spec.rows(), spec.columns(), spec.resize());
  }

  /** (v − mean) / std of a windowed image, as float. */
  public float[] normalise(double[] out) {
    float[] f = new float[out.length];
    for (int i = 0; i < out.length; i++) {
      f[i] = (float) ((out[i] - spec.mean()) / spec.std());
    }
    return f;
  }

  private static void check(Frame frame) {
    if (frame.samplesPerPixel() != 1) {
      throw new FcdsException(
          ErrorCode.IMAGE_NOT_GREY,
          "image has " + frame.samplesPerPixel() + " samples per pixel, expected 1 — grey only");
    }
    String p = frame.photometric();
    if (!"MONOCHROME1".equals(p) && !"MONOCHROME2".equals(p)) {
      throw new FcdsException(
          ErrorCode.IMAGE_NOT_MONOCHROME,
          "image photometric interpretation not MONOCHROME1/2 — " + p);
    }
  }

  private double[] modality(Dataset ds, Frame frame) {
    int[] s = frame.samples();
    double slope = spec.modalityLut() ? ds.getDouble(Tag.RescaleSlope, 1.0) : 1.0;
    double intercept = spec.modalityLut() ? ds.getDouble(Tag.RescaleIntercept, 0.0) : 0.0;
    double[] v = new double[s.length];
    for (int i = 0; i < s.length; i++) {
      v[i] = s[i] * slope + intercept;
    }
    return v;
  }

  /** {center, width}: the card's fixed window, DICOM's first one, or the image's min..max. */
  double[] window(Dataset ds, double[] v) {
    Window w = spec.window();
    if (w.source().equals("fixed")) {
      return checked(w.center(), w.width());
    }
    double[] c = ds.getDoubles(Tag.WindowCenter);
    double[] wd = ds.getDoubles(Tag.WindowWidth);
    if (w.source().equals("dicom") && c.length > 0 && wd.length > 0) {
      return checked(c[0], wd[0]);
    }
    if (w.source().equals("dicom") && w.center() != null && w.width() != null) {
      return checked(w.center(), w.width());
    }
    return minMax(v);
  }

  private static double[] checked(double center, double width) {
    if (!(width >= 1) || !Double.isFinite(center)) {
      throw new FcdsException(
          ErrorCode.WINDOW_WIDTH_INVALID,
          "window width must be ≥ 1 — center " + center + " width " + width);
    }
    return new double[] {center, width};
  }

  private static double[] minMax(double[] v) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double x : v) {
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
    }
    double width = Math.max(1, hi - lo + 1);
    return new double[] {lo + width / 2, width};
  }

  /** PS3.3 C.11.2.1.2.1 linear function, output range [0,1]. */
  static void window(double[] v, double c, double w, boolean invert) {
    double lo = c - 0.5 - (w - 1) / 2;
    double hi = c - 0.5 + (w - 1) / 2;
    for (int i = 0; i < v.length; i++) {
      double y;
      if (v[i] <= lo) {
        y = 0;
      } else if (v[i] > hi) {
        y = 1;
      } else {
        y = (v[i] - (c - 0.5)) / (w - 1) + 0.5;
      }
      v[i] = invert ? 1 - y : y;
    }
  }
}
