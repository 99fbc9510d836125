package org.fusioncds.dicom.codec;

/**
 * From the decoded component planes of a DCT JPEG frame to interleaved samples, line by line: each
 * component upsampled to full resolution as libjpeg (and so DCMTK) does by default, and, when
 * asked, YCbCr converted to RGB ({@link YbrFullColor}) in the same pass, so that the frame is
 * written once.
 *
 * <p>Upsampling: a triangle filter (3/4 nearer + 1/4 further sample) where the ratio is exactly 2:1
 * horizontally, or 2:1 both ways (4:2:2, 4:2:0), replication for other integral ratios (for example
 * 1:2 vertical only, as IJG 6b in DCMTK; libjpeg-turbo interpolates there), nearest sample for
 * non-integral ones.
 */
final class JpegExtendedOutput {

  /**
   * One component's decoded samples.
   *
   * @param samples row-major, {@code stride} per line, at least {@code width} x {@code height}
   * @param h horizontal sampling factor
   * @param v vertical sampling factor
   */
  record Plane(short[] samples, int stride, int width, int height, int h, int v) {}

  private JpegExtendedOutput() {}

  /**
   * Interleaved samples of a {@code width} x {@code height} frame; Y,Cb,Cr converted to R,G,B when
   * {@code toRgb} and there are 3 planes.
   */
  static int[] assemble(Plane[] planes, int width, int height, int precision, boolean toRgb) {
    int nc = planes.length;
    int hmax = 1;
    int vmax = 1;
    for (Plane p : planes) {
      hmax = Math.max(hmax, p.h());
      vmax = Math.max(vmax, p.v());
    }
    int[] out = new int[width * height * nc];
    if (toRgb && isHalfChroma(planes, hmax, vmax)) {
      for (int y = 0; y < height; y++) {
        lineHalfChromaToRgb(planes, y, width, vmax, out, y * width * 3, precision);
      }
      return out;
    }
    int[][] lines = new int[nc][];
    int[][] xmaps = new int[nc][];
    for (int ci = 0; ci < nc; ci++) {
      lines[ci] = new int[Math.max(width, 2 * planes[ci].stride())];
      xmaps[ci] = new int[width];
      for (int x = 0; x < width; x++) {
        xmaps[ci][x] = x * planes[ci].h() / hmax;
      }
    }
    for (int y = 0; y < height; y++) {
      for (int ci = 0; ci < nc; ci++) {
        line(planes[ci], y, width, hmax, vmax, xmaps[ci], lines[ci]);
      }
      int o = y * width * nc;
      if (nc == 1) {
        System.arraycopy(lines[0], 0, out, o, width);
      } else if (toRgb && nc == 3) {
        YbrFullColor.lineToRgb(lines[0], lines[1], lines[2], width, out, o, precision);
      } else {
        interleave(lines, nc, width, out, o);
      }
    }
    return out;
  }

  /**
   * Y at full resolution, Cb and Cr of the same size halved horizontally (4:2:2) or both ways
   * (4:2:0): the chroma subsamplings of YBR_FULL_422 in JPEG.
   */
  private static boolean isHalfChroma(Plane[] planes, int hmax, int vmax) {
    if (planes.length != 3 || planes[0].h() != hmax || planes[0].v() != vmax) {
      return false;
    }
    Plane cb = planes[1];
    Plane cr = planes[2];
    return cb.h() * 2 == hmax
        && (cb.v() == vmax || cb.v() * 2 == vmax)
        && cb.width() > 2
        && cr.h() == cb.h()
        && cr.v() == cb.v()
        && cr.width() == cb.width()
        && cr.height() == cb.height()
        && cr.stride() == cb.stride();
  }

  /**
   * One line of a 4:2:2 or 4:2:0 frame straight to R,G,B: the triangle-filter upsampling of {@link
   * #upsampleRow} fused with {@link YbrFullColor#pixelToRgb}, so that no upsampled line is stored.
   * Each chroma column sum is {@code near} (4:2:2) or {@code 3 near + far} (4:2:0); at the line's
   * ends the missing neighbour is the edge column itself, which gives {@link #upsampleRow}'s edge
   * values.
   */
  private static void lineHalfChromaToRgb(
      Plane[] planes, int y, int width, int vmax, int[] out, int o, int bits) {
    short[] ys = planes[0].samples();
    short[] cbs = planes[1].samples();
    short[] crs = planes[2].samples();
    int yr = y * planes[0].stride();
    boolean vertical = planes[1].v() * 2 == vmax;
    int near = vertical ? y >> 1 : y;
    int far = near;
    if (vertical) {
      far = (y & 1) == 0 ? Math.max(0, near - 1) : Math.min(planes[1].height() - 1, near + 1);
    }
    int stride = planes[1].stride();
    int nr = near * stride;
    int fr = far * stride;
    int wNear = vertical ? 3 : 1;
    int wFar = vertical ? 1 : 0;
    int roundEven = vertical ? 8 : 1;
    int roundOdd = vertical ? 7 : 2;
    int shift = vertical ? 4 : 2;
    int n = planes[1].width();
    int last = n - 1;
    // column sums of the previous, current and next chroma sample
    int cbCur = wNear * cbs[nr] + wFar * cbs[fr];
    int crCur = wNear * crs[nr] + wFar * crs[fr];
    int cbPrev = cbCur;
    int crPrev = crCur;
    for (int i = 0; i < n; i++) {
      int cbNext = cbCur;
      int crNext = crCur;
      if (i < last) {
        cbNext = wNear * cbs[nr + i + 1] + wFar * cbs[fr + i + 1];
        crNext = wNear * crs[nr + i + 1] + wFar * crs[fr + i + 1];
      }
      int x = 2 * i;
      YbrFullColor.pixelToRgb(
          ys[yr + x],
          (3 * cbCur + cbPrev + roundEven) >> shift,
          (3 * crCur + crPrev + roundEven) >> shift,
          out,
          o + 3 * x,
          bits);
      if (x + 1 < width) {
        YbrFullColor.pixelToRgb(
            ys[yr + x + 1],
            (3 * cbCur + cbNext + roundOdd) >> shift,
            (3 * crCur + crNext + roundOdd) >> shift,
            out,
            o + 3 * x + 3,
            bits);
      }
      cbPrev = cbCur;
      crPrev = crCur;
      cbCur = cbNext;
      crCur = crNext;
    }
  }

  private static void interleave(int[][] lines, int nc, int width, int[] out, int o) {
    for (int ci = 0; ci < nc; ci++) {
      int[] line = lines[ci];
      for (int x = 0, p = o + ci; x < width; x++, p += nc) {
        out[p] = line[x];
      }
    }
  }

  /** Line {@code y} of the full-resolution frame, of component {@code p}, into {@code line}. */
  private static void line(Plane p, int y, int width, int hmax, int vmax, int[] xmap, int[] line) {
    short[] s = p.samples();
    boolean h2 = p.h() * 2 == hmax && p.width() > 2;
    if (p.h() == hmax && p.v() == vmax) {
      int r = y * p.stride();
      for (int x = 0; x < width; x++) {
        line[x] = s[r + x];
      }
    } else if (h2 && p.v() == vmax) {
      int r = y * p.stride();
      upsampleRow(s, r, r, p.width(), line, false);
    } else if (h2 && p.v() * 2 == vmax) {
      int near = y >> 1;
      int far = (y & 1) == 0 ? Math.max(0, near - 1) : Math.min(p.height() - 1, near + 1);
      upsampleRow(s, near * p.stride(), far * p.stride(), p.width(), line, true);
    } else {
      int r = (y * p.v() / vmax) * p.stride();
      for (int x = 0; x < width; x++) {
        line[x] = s[r + xmap[x]];
      }
    }
  }

  /**
   * Triangle-filter ("fancy") upsampling by 2 horizontally, and by 2 vertically too when {@code
   * vertical}: each output sample weighs the nearer input sample 3/4 and the further one 1/4 (in
   * each direction), with alternating rounding offsets, as libjpeg does by default. Edge samples
   * reuse the edge value. {@code near} and {@code far} are the offsets of the nearer and further
   * input rows (the same row when not {@code vertical}); {@code n > 2} input samples.
   */
  private static void upsampleRow(
      short[] p, int near, int far, int n, int[] out, boolean vertical) {
    if (!vertical) {
      out[0] = p[near];
      out[1] = (p[near] * 3 + p[near + 1] + 2) >> 2;
      for (int i = 1; i < n - 1; i++) {
        int cur = p[near + i] * 3;
        out[2 * i] = (cur + p[near + i - 1] + 1) >> 2;
        out[2 * i + 1] = (cur + p[near + i + 1] + 2) >> 2;
      }
      out[2 * n - 2] = (p[near + n - 1] * 3 + p[near + n - 2] + 1) >> 2;
      out[2 * n - 1] = p[near + n - 1];
      return;
    }
    int last = p[near] * 3 + p[far];
    int cur = last;
    int next = p[near + 1] * 3 + p[far + 1];
    out[0] = (cur * 4 + 8) >> 4;
    out[1] = (cur * 3 + next + 7) >> 4;
    for (int i = 1; i < n - 1; i++) {
      last = cur;
      cur = next;
      next = p[near + i + 1] * 3 + p[far + i + 1];
      out[2 * i] = (cur * 3 + last + 8) >> 4;
      out[2 * i + 1] = (cur * 3 + next + 7) >> 4;
    }
    last = cur;
    cur = next;
    out[2 * n - 2] = (cur * 3 + last + 8) >> 4;
    out[2 * n - 1] = (cur * 4 + 7) >> 4;
  }
}
