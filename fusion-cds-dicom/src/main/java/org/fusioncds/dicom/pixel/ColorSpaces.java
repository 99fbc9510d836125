package org.fusioncds.dicom.pixel;

import org.fusioncds.dicom.codec.YbrFullColor;

/** Colour conversions of PS3.3 C.7.6.3.1.2: YBR_FULL to RGB, YBR_FULL_422 to YBR_FULL. */
final class ColorSpaces {

  private ColorSpaces() {}

  /**
   * In place, on interleaved Y,Cb,Cr samples of the given precision: ITU-R BT.601 full range in the
   * 16-bit fixed point of libjpeg (which DCMTK uses), so that results agree with it exactly.
   */
  static void ybrFullToRgb(int[] s, int bits) {
    YbrFullColor.toRgb(s, bits);
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
}
