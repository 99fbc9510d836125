package org.fusioncds.dicom.codec;

/**
 * YBR_FULL (full-range ITU-R BT.601 YCbCr) to RGB by DICOM PS3.3 C.7.6.3.1.2, in the 16-bit fixed
 * point of libjpeg's {@code jdcolor.c}, which DCMTK uses, so that values agree with it exactly.
 * Used by the JPEG decoder (fused with upsampling) and by the pixel package for native and RLE
 * YBR_FULL.
 */
public final class YbrFullColor {

  private static final int SCALE = 16;
  private static final int HALF = 1 << (SCALE - 1);

  private static int fix(double v) {
    return (int) (v * (1 << SCALE) + 0.5);
  }

  private static final int CR_R = fix(1.40200);
  private static final int CB_B = fix(1.77200);
  private static final int CB_G = -fix(0.34414);
  private static final int CR_G = -fix(0.71414);

  private YbrFullColor() {}

  /** In place, on interleaved Y,Cb,Cr samples of the given precision in bits. */
  public static void toRgb(int[] s, int bits) {
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

  /** {@code n} pixels from separate Y, Cb and Cr lines to interleaved R,G,B at {@code out[o]}. */
  static void lineToRgb(int[] ys, int[] cbs, int[] crs, int n, int[] out, int o, int bits) {
    int max = (1 << bits) - 1;
    int center = 1 << (bits - 1);
    for (int x = 0; x < n; x++, o += 3) {
      int y = ys[x];
      int cb = cbs[x] - center;
      int cr = crs[x] - center;
      if ((cb | cr) == 0) {
        // neutral chroma (most of an ultrasound image): the formulas give Y three times
        out[o] = y;
        out[o + 1] = y;
        out[o + 2] = y;
        continue;
      }
      out[o] = clamp(y + ((CR_R * cr + HALF) >> SCALE), max);
      out[o + 1] = clamp(y + ((CB_G * cb + CR_G * cr + HALF) >> SCALE), max);
      out[o + 2] = clamp(y + ((CB_B * cb + HALF) >> SCALE), max);
    }
  }

  /** One pixel: Y, Cb, Cr of {@code bits} bits to R, G, B at {@code out[o]}. */
  static void pixelToRgb(int y, int cb, int cr, int[] out, int o, int bits) {
    int center = 1 << (bits - 1);
    cb -= center;
    cr -= center;
    if ((cb | cr) == 0) {
      out[o] = y;
      out[o + 1] = y;
      out[o + 2] = y;
      return;
    }
    int max = (1 << bits) - 1;
    out[o] = clamp(y + ((CR_R * cr + HALF) >> SCALE), max);
    out[o + 1] = clamp(y + ((CB_G * cb + CR_G * cr + HALF) >> SCALE), max);
    out[o + 2] = clamp(y + ((CB_B * cb + HALF) >> SCALE), max);
  }

  private static int clamp(int v, int max) {
    return Math.min(Math.max(v, 0), max);
  }
}
