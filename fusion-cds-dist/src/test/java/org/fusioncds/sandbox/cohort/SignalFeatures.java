package org.fusioncds.sandbox.cohort;

import java.nio.file.Path;
import java.util.Arrays;
import org.fusioncds.dicom.DicomFile;
import org.fusioncds.dicom.DicomReader;
import org.fusioncds.dicom.pixel.PixelDecoder;

/**
 * Features for the signal checks: the true tabular values of a patient (from the generator, before
 * units, rounding and missing values) and simple statistics of its radiograph (read back from the
 * DICOM file).
 */
final class SignalFeatures {

  /** Fixed regions inside the typical lung fields and a mediastinal reference: x0, x1, y0, y1. */
  private static final int[][] LUNG_BOXES = {{56, 104, 72, 168}, {152, 200, 72, 168}};

  private static final int[] REFERENCE_BOX = {120, 136, 60, 120};

  private SignalFeatures() {}

  /** A simple score from the true latent tabular values: sum of z-like terms. */
  static double latentTabularScore(SyntheticPatient p) {
    Clinical c = p.clinical();
    return c.inflammation() + c.respiratory();
  }

  /**
   * Age, sex, comorbidities and each measure's current canonical value (log for WBC, CRP, PCT),
   * missing ones at a fixed typical value with a missing flag.
   */
  static double[] tabular(SyntheticPatient p) {
    Clinical c = p.clinical();
    double[] f = new double[6 + 2 * Measure.values().length];
    f[0] = c.age();
    f[1] = c.female() ? 0 : 1;
    int k = 2;
    for (Comorbidity m : Comorbidity.values()) {
      f[k++] = c.has(m) ? 1 : 0;
    }
    double[] typical = {Math.log(7.5), Math.log(12), Math.log(0.08), 37, 17, 96};
    for (Measure m : Measure.values()) {
      Double v = p.measurements().current().get(m);
      boolean log = m == Measure.WBC || m == Measure.CRP || m == Measure.PROCALCITONIN;
      f[k++] = v == null ? typical[m.ordinal()] : log ? Math.log(v) : v;
      f[k++] = v == null ? 1 : 0;
    }
    return f;
  }

  /** Mean of the lung boxes over the mean of the mediastinal reference box. */
  static double lungMeanRatio(int[] px) {
    double lung = (mean(px, LUNG_BOXES[0]) + mean(px, LUNG_BOXES[1])) / 2;
    return lung / mean(px, REFERENCE_BOX);
  }

  /**
   * Image features: the lung mean ratio, and per lung box the brightest 8×8 block above the median
   * block (a focal excess), over the reference.
   */
  static double[] image(int[] px) {
    double ref = mean(px, REFERENCE_BOX);
    double[] f = new double[3];
    f[0] = lungMeanRatio(px);
    for (int i = 0; i < 2; i++) {
      f[1 + i] = focalExcess(px, LUNG_BOXES[i]) / ref;
    }
    return f;
  }

  static int[] pixels(Path dcm) {
    try (DicomFile f = DicomReader.read(dcm)) {
      return PixelDecoder.decode(f, 0).samples();
    }
  }

  private static double focalExcess(int[] px, int[] box) {
    int bx = (box[1] - box[0]) / 8;
    int by = (box[3] - box[2]) / 8;
    double[] blocks = new double[bx * by];
    for (int i = 0; i < bx; i++) {
      for (int j = 0; j < by; j++) {
        int x0 = box[0] + 8 * i;
        int y0 = box[2] + 8 * j;
        blocks[i * by + j] = mean(px, new int[] {x0, x0 + 8, y0, y0 + 8});
      }
    }
    double[] sorted = blocks.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length - 1] - sorted[sorted.length / 2];
  }

  private static double mean(int[] px, int[] box) {
    double s = 0;
    int n = 0;
    for (int y = box[2]; y < box[3]; y++) {
      for (int x = box[0]; x < box[1]; x++) {
        s += px[y * RadiographScene.SIZE + x];
        n++;
      }
    }
    return s / n;
  }
}
