package org.fusioncds.dicom.pixel;

/** Colour conversions of PS3.3 C.7.6.3.1.2: YBR_FULL to RGB, YBR_FULL_422 to YBR_FULL. */
final class ColorSpaces {

  private ColorSpaces() {}

  /** In place, on interleaved Y,Cb,Cr samples of the given precision (ITU-R BT.601 full range). */
  static void ybrFullToRgb(int[] s, int bits) {
    int max = (1 << bits) - 1;
    double half = 1 << (bits - 1);
    for (int i = 0; i + 2 < s.length; i += 3) {
      double y = s[i];
      double cb = s[i + 1] - half;
      double cr = s[i + 2] - half;
      s[i] = clamp((int) Math.round(y + 1.402 * cr), max);
      s[i + 1] = clamp((int) Math.round(y - 0.344136 * cb - 0.714136 * cr), max);
      s[i + 2] = clamp((int) Math.round(y + 1.772 * cb), max);
    }
  }

  /** Native 4:2:2 (Y1 Y2 Cb Cr per pair of pixels) to one Y,Cb,Cr triple per pixel. */
  static int[] expandYbr422(int[] in, int rows, int columns) {
    int[] out = new int[rows * columns * 3];
    int o = 0;
    for (int p = 0; p + 3 < in.length && o + 5 < out.length; p += 4) {
      int cb = in[p + 2];
      int cr = in[p + 3];
      out[o++] = in[p];
      out[o++] = cb;
      out[o++] = cr;
      out[o++] = in[p + 1];
      out[o++] = cb;
      out[o++] = cr;
    }
    return out;
  }

  private static int clamp(int v, int max) {
    return v < 0 ? 0 : Math.min(v, max);
  }
}
