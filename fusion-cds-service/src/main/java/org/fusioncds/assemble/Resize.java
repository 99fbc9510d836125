package org.fusioncds.assemble;

/**
 * Deterministic resampling of a grey image (row-major doubles). {@code area}: each output pixel is
 * the mean of the input area it covers, partial pixels weighted by their covered fraction (as
 * OpenCV INTER_AREA when shrinking). {@code bilinear}: half-pixel centres, edges clamped (as OpenCV
 * INTER_LINEAR, PyTorch {@code align_corners=False}). Aspect ratio is not kept.
 */
final class Resize {

  private Resize() {}

  static double[] apply(double[] in, int rows, int cols, int outRows, int outCols, String method) {
    double[][] wr =
        "area".equals(method) ? areaWeights(rows, outRows) : linearWeights(rows, outRows);
    double[][] wc =
        "area".equals(method) ? areaWeights(cols, outCols) : linearWeights(cols, outCols);
    double[] tmp = new double[rows * outCols];
    for (int r = 0; r < rows; r++) {
      for (int oc = 0; oc < outCols; oc++) {
        tmp[r * outCols + oc] = dot(wc[oc], in, r * cols, 1);
      }
    }
    double[] out = new double[outRows * outCols];
    for (int or = 0; or < outRows; or++) {
      for (int oc = 0; oc < outCols; oc++) {
        out[or * outCols + oc] = dot(wr[or], tmp, oc, outCols);
      }
    }
    return out;
  }

  /** weights[o] = {first input index, w0, w1, ...}. */
  private static double dot(double[] w, double[] src, int base, int stride) {
    int first = (int) w[0];
    double sum = 0;
    for (int k = 1; k < w.length; k++) {
      sum += w[k] * src[base + (first + k - 1) * stride];
    }
    return sum;
  }

  static double[][] areaWeights(int n, int out) {
    double scale = (double) n / out;
    double[][] w = new double[out][];
    for (int o = 0; o < out; o++) {
      double start = o * scale;
      double end = (o + 1) * scale;
      int first = (int) Math.floor(start);
      int last = Math.min(n - 1, (int) Math.ceil(end) - 1);
      w[o] = new double[last - first + 2];
      w[o][0] = first;
      for (int i = first; i <= last; i++) {
        double cover = Math.min(end, i + 1) - Math.max(start, i);
        w[o][i - first + 1] = cover / scale;
      }
    }
    return w;
  }

  static double[][] linearWeights(int n, int out) {
    double scale = (double) n / out;
    double[][] w = new double[out][];
    for (int o = 0; o < out; o++) {
      double x = Math.min(Math.max((o + 0.5) * scale - 0.5, 0), n - 1);
      int i0 = (int) Math.floor(x);
      int i1 = Math.min(i0 + 1, n - 1);
      double f = x - i0;
      w[o] = i1 == i0 ? new double[] {i0, 1.0} : new double[] {i0, 1 - f, f};
    }
    return w;
  }
}
