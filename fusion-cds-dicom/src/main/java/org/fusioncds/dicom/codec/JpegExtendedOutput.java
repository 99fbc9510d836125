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
    if (toRgb && is422(planes, hmax, vmax)) {
      for (int y = 0; y < height; y++) {
        line422ToRgb(planes, y, width, out, y * width * 3, precision);
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

  /** Y at full resolution, Cb and Cr halved horizontally only (YBR_FULL_422 as JPEG codes it). */
  private static boolean is422(Plane[] planes, int hmax, int vmax) {
    if (planes.length != 3 || planes[0].h() != hmax || planes[0].v() != vmax) {
      return false;
    }
    for (int ci = 1; ci < 3; ci++) {
      Plane p = planes[ci];
      if (p.h() * 2 != hmax || p.v() != vmax || p.width() <= 2) {
        return false;
      }
    }
    return planes[1].width() == planes[2].width();
  }

  /**
   * One line of a 4:2:2 frame straight to R,G,B: the triangle-filter upsampling of {@link
   * #upsampleRow} (at the edges the missing neighbour is the edge sample, which gives the edge
   * sample itself) fused with {@link YbrFullColor#pixelToRgb}, so that no upsampled line is stored.
   */
  private static void line422ToRgb(Plane[] planes, int y, int width, int[] out, int o, int bits) {
    short[] ys = planes[0].samples();
    short[] cbs = planes[1].samples();
    short[] crs = planes[2].samples();
    int yr = y * planes[0].stride();
    int cbr = y * planes[1].stride();
    int crr = y * planes[2].stride();
    int n = planes[1].width();
    int last = n - 1;
    for (int i = 0; i < n; i++) {
      int x = 2 * i;
      int cb = cbs[cbr + i] * 3;
      int cr = crs[crr + i] * 3;
      int left = Math.max(i - 1, 0);
      int right = Math.min(i + 1, last);
      YbrFullColor.pixelToRgb(
          ys[yr + x],
          (cb + cbs[cbr + left] + 1) >> 2,
          (cr + crs[crr + left] + 1) >> 2,
          out,
          o + 3 * x,
          bits);
      if (x + 1 < width) {
        YbrFullColor.pixelToRgb(
            ys[yr + x + 1],
            (cb + cbs[cbr + right] + 2) >> 2,
            (cr + crs[crr + right] + 2) >> 2,
            out,
            o + 3 * x + 3,
            bits);
      }
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
