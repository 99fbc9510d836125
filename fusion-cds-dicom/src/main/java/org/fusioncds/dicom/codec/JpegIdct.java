package org.fusioncds.dicom.codec;

/**
 * The accurate integer inverse DCT of the IJG libjpeg ({@code jidctint.c}, "islow": the separable
 * Loeffler-Ligtenberg-Moschytz algorithm in 13-bit fixed point), which DCMTK's {@code dcmdjpeg}
 * uses by default: the same constants, the same rounding and the same range limiting (values wrap
 * modulo four times the sample range before clamping, as libjpeg's range-limit table does), so that
 * our samples equal DCMTK's. One instance per decoder (it holds a work array).
 */
final class JpegIdct {

  private static final int CONST_BITS = 13;

  private static final int FIX_0_298631336 = 2446;
  private static final int FIX_0_390180644 = 3196;
  private static final int FIX_0_541196100 = 4433;
  private static final int FIX_0_765366865 = 6270;
  private static final int FIX_0_899976223 = 7373;
  private static final int FIX_1_175875602 = 9633;
  private static final int FIX_1_501321110 = 12299;
  private static final int FIX_1_847759065 = 15137;
  private static final int FIX_1_961570560 = 16069;
  private static final int FIX_2_053119869 = 16819;
  private static final int FIX_2_562915447 = 20995;
  private static final int FIX_3_072711026 = 25172;

  private final int pass1Bits;
  private final int[] limit;
  private final int rangeMask;
  private final int[] ws = new int[64];

  private static final int[] LIMIT_8 = rangeLimit(8);
  private static final int[] LIMIT_12 = rangeLimit(12);

  /** For 8- or 12-bit samples. */
  JpegIdct(int precision) {
    pass1Bits = precision == 8 ? 2 : 1;
    limit = precision == 8 ? LIMIT_8 : LIMIT_12;
    rangeMask = limit.length - 1;
  }

  /**
   * libjpeg's post-IDCT range-limit table, indexed by {@code value & (4 * 2^precision - 1)} where
   * value is the IDCT output before the level shift.
   */
  private static int[] rangeLimit(int precision) {
    int range = 1 << precision;
    int center = range >> 1;
    int[] t = new int[4 * range];
    for (int i = 0; i < t.length; i++) {
      if (i < center) {
        t[i] = i + center;
      } else if (i < 2 * range) {
        t[i] = range - 1;
      } else if (i < 4 * range - center) {
        t[i] = 0;
      } else {
        t[i] = i - (4 * range - center);
      }
    }
    return t;
  }

  /**
   * Inverse-transforms the dequantised coefficients {@code z} (natural order) into an 8 x 8 block
   * of samples at {@code out[off]}, {@code stride} per line.
   */
  void transform(int[] z, short[] out, int off, int stride) {
    int[] w = ws;
    int p1 = pass1Bits;
    // Pass 1: columns from the coefficients into the work array, scaled up by 2^pass1Bits.
    for (int c = 0; c < 8; c++) {
      if ((z[8 + c] | z[16 + c] | z[24 + c] | z[32 + c] | z[40 + c] | z[48 + c] | z[56 + c]) == 0) {
        int dc = z[c] << p1;
        for (int r = 0; r < 64; r += 8) {
          w[r + c] = dc;
        }
        continue;
      }
      int z2 = z[16 + c];
      int z3 = z[48 + c];
      int z1 = (z2 + z3) * FIX_0_541196100;
      int tmp2 = z1 - z3 * FIX_1_847759065;
      int tmp3 = z1 + z2 * FIX_0_765366865;
      z2 = z[c];
      z3 = z[32 + c];
      int tmp0 = (z2 + z3) << CONST_BITS;
      int tmp1 = (z2 - z3) << CONST_BITS;
      int tmp10 = tmp0 + tmp3;
      int tmp13 = tmp0 - tmp3;
      int tmp11 = tmp1 + tmp2;
      int tmp12 = tmp1 - tmp2;
      tmp0 = z[56 + c];
      tmp1 = z[40 + c];
      tmp2 = z[24 + c];
      tmp3 = z[8 + c];
      int shift = CONST_BITS - p1;
      int round = 1 << (shift - 1);
      odd(w, c, 8, tmp0, tmp1, tmp2, tmp3, tmp10, tmp11, tmp12, tmp13, shift, round, null, 0);
    }
    // Pass 2: rows from the work array into the samples, level-shifted and range-limited.
    int shift = CONST_BITS + p1 + 3;
    int round = 1 << (shift - 1);
    for (int r = 0; r < 64; r += 8) {
      int o = off + (r >> 3) * stride;
      if ((w[r + 1] | w[r + 2] | w[r + 3] | w[r + 4] | w[r + 5] | w[r + 6] | w[r + 7]) == 0) {
        short v = (short) limit[((w[r] + (1 << (p1 + 2))) >> (p1 + 3)) & rangeMask];
        for (int x = 0; x < 8; x++) {
          out[o + x] = v;
        }
        continue;
      }
      int z2 = w[r + 2];
      int z3 = w[r + 6];
      int z1 = (z2 + z3) * FIX_0_541196100;
      int tmp2 = z1 - z3 * FIX_1_847759065;
      int tmp3 = z1 + z2 * FIX_0_765366865;
      int tmp0 = (w[r] + w[r + 4]) << CONST_BITS;
      int tmp1 = (w[r] - w[r + 4]) << CONST_BITS;
      int tmp10 = tmp0 + tmp3;
      int tmp13 = tmp0 - tmp3;
      int tmp11 = tmp1 + tmp2;
      int tmp12 = tmp1 - tmp2;
      odd(
          null, 0, 0, w[r + 7], w[r + 5], w[r + 3], w[r + 1], tmp10, tmp11, tmp12, tmp13, shift,
          round, out, o);
    }
  }

  /** The block of a DC-only {@code z[0]}: what {@link #transform} gives for it, sooner. */
  void transformDc(int dc, short[] out, int off, int stride) {
    int p1 = pass1Bits;
    short v = (short) limit[(((dc << p1) + (1 << (p1 + 2))) >> (p1 + 3)) & rangeMask];
    for (int y = 0; y < 8; y++) {
      int o = off + y * stride;
      for (int x = 0; x < 8; x++) {
        out[o + x] = v;
      }
    }
  }

  /**
   * The odd part of one 8-point column or row and the final butterflies: into the work array
   * ({@code w} at {@code base}, {@code step} apart) in pass 1, into range-limited samples ({@code
   * out} at {@code o}) in pass 2.
   */
  private void odd(
      int[] w,
      int base,
      int step,
      int tmp0,
      int tmp1,
      int tmp2,
      int tmp3,
      int tmp10,
      int tmp11,
      int tmp12,
      int tmp13,
      int shift,
      int round,
      short[] out,
      int o) {
    int z1 = tmp0 + tmp3;
    int z2 = tmp1 + tmp2;
    int z3 = tmp0 + tmp2;
    int z4 = tmp1 + tmp3;
    int z5 = (z3 + z4) * FIX_1_175875602;
    tmp0 *= FIX_0_298631336;
    tmp1 *= FIX_2_053119869;
    tmp2 *= FIX_3_072711026;
    tmp3 *= FIX_1_501321110;
    z1 *= -FIX_0_899976223;
    z2 *= -FIX_2_562915447;
    z3 = z3 * -FIX_1_961570560 + z5;
    z4 = z4 * -FIX_0_390180644 + z5;
    tmp0 += z1 + z3;
    tmp1 += z2 + z4;
    tmp2 += z2 + z3;
    tmp3 += z1 + z4;
    if (out == null) {
      w[base] = (tmp10 + tmp3 + round) >> shift;
      w[base + 7 * step] = (tmp10 - tmp3 + round) >> shift;
      w[base + step] = (tmp11 + tmp2 + round) >> shift;
      w[base + 6 * step] = (tmp11 - tmp2 + round) >> shift;
      w[base + 2 * step] = (tmp12 + tmp1 + round) >> shift;
      w[base + 5 * step] = (tmp12 - tmp1 + round) >> shift;
      w[base + 3 * step] = (tmp13 + tmp0 + round) >> shift;
      w[base + 4 * step] = (tmp13 - tmp0 + round) >> shift;
      return;
    }
    int[] lim = limit;
    int m = rangeMask;
    out[o] = (short) lim[((tmp10 + tmp3 + round) >> shift) & m];
    out[o + 7] = (short) lim[((tmp10 - tmp3 + round) >> shift) & m];
    out[o + 1] = (short) lim[((tmp11 + tmp2 + round) >> shift) & m];
    out[o + 6] = (short) lim[((tmp11 - tmp2 + round) >> shift) & m];
    out[o + 2] = (short) lim[((tmp12 + tmp1 + round) >> shift) & m];
    out[o + 5] = (short) lim[((tmp12 - tmp1 + round) >> shift) & m];
    out[o + 3] = (short) lim[((tmp13 + tmp0 + round) >> shift) & m];
    out[o + 4] = (short) lim[((tmp13 - tmp0 + round) >> shift) & m];
  }
}
