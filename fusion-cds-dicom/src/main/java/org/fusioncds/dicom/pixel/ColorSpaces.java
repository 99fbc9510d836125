package org.fusioncds.dicom.pixel;

/** Colour conversions of PS3.3 C.7.6.3.1.2: YBR_FULL to RGB, YBR_FULL_422 to YBR_FULL. */
final class ColorSpaces {

  private ColorSpaces() {}

  private static final int SCALE = 16;
  private static final int HALF = 1 << (SCALE - 1);

  private static int fix(double v) {
    return (int) (v * (1 << SCALE) + 0.5);
  }

  private static final int CR_R = fix(1.40200);
  private static final int CB_B = fix(1.77200);
  private static final int CB_G = -fix(0.34414);
  private static final int CR_G = -fix(0.71414);

  /**
   * In place, on interleaved Y,Cb,Cr samples of the given precision: ITU-R BT.601 full range in the
   * 16-bit fixed point of libjpeg (which DCMTK uses), so that results agree with it exactly.
   */
  static void ybrFullToRgb(int[] s, int bits) {
    int max = (1 << bits) - 1;
    int center = 1 << (bits - 1);
    for (int i = 0; i + 2 < s.length; i += 3) {
      int y = s[i];
      int cb = s[i + 1] - center;
      int cr = s[i + 2] - center;
      s[i] = clamp(y + ((CR_R * cr + HALF) >> SCALE), max);
      s[i + 1] = clamp(y + ((CB_G * cb + CR_G * cr + HALF) >> SCALE), max);
      s[i + 2] = clamp(y + ((CB_B * cb + HALF) >> SCALE), max);
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
