package org.fusioncds.sandbox.cohort;

/**
 * Renders a {@link RadiographScene} to 12-bit stored values (0–4095, MONOCHROME2: dense is bright):
 * air outside the body, soft tissue, spine, two dark lung fields cut by the diaphragm domes, the
 * heart silhouette, posterior rib arcs, lung markings, then the findings, exposure and noise.
 */
final class RadiographRenderer {

  static final double AIR = 120;
  static final double TISSUE = 1650;
  static final double LUNG = 680;
  private static final double SPINE = 420;
  private static final double RIB = 190;
  private static final double MARKINGS = 60;
  private static final double NOISE = 22;
  private static final int GRID = 17;

  private RadiographRenderer() {}

  static short[] render(RadiographScene s, Rng rng) {
    int n = RadiographScene.SIZE;
    double[] markings = lowResolutionNoise(rng);
    double[] texture = lowResolutionNoise(rng);
    double[] v = new double[n * n];
    double[] lungFraction = new double[n * n];
    for (int y = 0; y < n; y++) {
      for (int x = 0; x < n; x++) {
        double lung = lungFraction(s, x, y);
        lungFraction[y * n + x] = lung;
        v[y * n + x] = anatomy(s, x, y, lung) + MARKINGS * lung * sample(markings, x, y);
      }
    }
    for (RadiographScene.Opacity o : s.opacities()) {
      addOpacity(v, lungFraction, texture, o);
    }
    addHaze(v, lungFraction, texture, s);
    return finish(v, s.exposure(), rng);
  }

  private static double anatomy(RadiographScene s, int x, int y, double lung) {
    double body = inside(x, y, 128, 150, s.bodyHalfWidth(), 175, 4);
    double value = AIR + (TISSUE - AIR) * body;
    value += SPINE * body * clamp((12 - Math.abs(x - 128.0)) / 3 + 0.5);
    value -= (value - LUNG) * lung;
    RadiographScene.Ellipse h = s.heart();
    double heart = inside(x, y, h.cx(), h.cy(), h.rx(), h.ry(), 4);
    value += (TISSUE + 100 - value) * 0.92 * heart;
    return value + RIB * body * ribs(s, x, y);
  }

  private static double lungFraction(RadiographScene s, int x, int y) {
    double f = 0;
    for (int i = 0; i < 2; i++) {
      RadiographScene.Ellipse l = s.lungs().get(i);
      double dome = s.domes()[i] + 0.008 * (x - l.cx()) * (x - l.cx());
      double below = clamp((dome - y) / 4 + 0.5);
      f = Math.max(f, inside(x, y, l.cx(), l.cy(), l.rx(), l.ry(), 5) * below);
    }
    return f;
  }

  /** Posterior rib arcs: bands 4 px thick, rising from the spine, then falling laterally. */
  private static double ribs(RadiographScene s, int x, int y) {
    double dx = Math.abs(x - 128.0);
    if (dx < 14 || dx > s.bodyHalfWidth() - 8) {
      return 0;
    }
    double t = dx / 100.0;
    double shape = -20 * t + 34 * t * t;
    double best = 0;
    for (int i = 0; i < 8; i++) {
      double centre = s.ribTop() + i * s.ribSpacing() + shape;
      best = Math.max(best, clamp(2.5 - Math.abs(y - centre)));
    }
    return best;
  }

  private static void addOpacity(
      double[] v, double[] lung, double[] texture, RadiographScene.Opacity o) {
    int n = RadiographScene.SIZE;
    int x0 = (int) Math.max(0, Math.floor(o.cx() - 3.5 * o.sx()));
    int x1 = (int) Math.min(n - 1, Math.ceil(o.cx() + 3.5 * o.sx()));
    int y0 = (int) Math.max(0, Math.floor(o.cy() - 3.5 * o.sy()));
    int y1 = (int) Math.min(n - 1, Math.ceil(o.cy() + 3.5 * o.sy()));
    for (int y = y0; y <= y1; y++) {
      for (int x = x0; x <= x1; x++) {
        double dx = (x - o.cx()) / o.sx();
        double dy = (y - o.cy()) / o.sy();
        double g = StrictMath.exp(-0.5 * (dx * dx + dy * dy));
        double consolidation = 1 + 0.3 * sample(texture, x, y);
        double add = o.amplitude() * g * consolidation * (0.3 + 0.7 * lung[y * n + x]);
        v[y * n + x] += add * headroom(v[y * n + x]);
      }
    }
  }

  private static void addHaze(double[] v, double[] lung, double[] texture, RadiographScene s) {
    if (s.hazeAmplitude() <= 0) {
      return;
    }
    for (RadiographScene.Ellipse l : s.lungs()) {
      double medial = l.cx() < 128 ? 0.45 : -0.45;
      RadiographScene.Opacity hilum =
          new RadiographScene.Opacity(
              l.cx() + medial * l.rx(), l.cy() + 0.05 * l.ry(), 24, 30, s.hazeAmplitude());
      addOpacity(v, lung, texture, hilum);
    }
  }

  private static short[] finish(double[] v, double exposure, Rng rng) {
    short[] out = new short[v.length];
    for (int i = 0; i < v.length; i++) {
      double value = v[i] * exposure + NOISE * rng.roughGaussian();
      out[i] = (short) Math.max(0, Math.min(4095, Math.round(value)));
    }
    return out;
  }

  /** Densities add fully over aerated lung, less over what is already dense (heart, tissue). */
  private static double headroom(double value) {
    double top = 1.25 * TISSUE;
    return clamp((top - value) / (top - LUNG));
  }

  /** A smooth inside-ness of an ellipse: 1 inside, 0 outside, a ramp {@code edge} px wide. */
  private static double inside(
      double x, double y, double cx, double cy, double rx, double ry, double edge) {
    double dx = (x - cx) / rx;
    double dy = (y - cy) / ry;
    double d = Math.sqrt(dx * dx + dy * dy);
    return clamp((1 - d) * Math.min(rx, ry) / edge + 0.5);
  }

  /** A GRID×GRID field of N(0, 1) values, bilinearly interpolated over the image. */
  private static double[] lowResolutionNoise(Rng rng) {
    double[] grid = new double[GRID * GRID];
    for (int i = 0; i < grid.length; i++) {
      grid[i] = rng.roughGaussian();
    }
    return grid;
  }

  private static double sample(double[] grid, int x, int y) {
    double gx = x * (GRID - 1) / (double) RadiographScene.SIZE;
    double gy = y * (GRID - 1) / (double) RadiographScene.SIZE;
    int ix = (int) gx;
    int iy = (int) gy;
    double fx = gx - ix;
    double fy = gy - iy;
    double top = grid[iy * GRID + ix] * (1 - fx) + grid[iy * GRID + ix + 1] * fx;
    double bottom = grid[(iy + 1) * GRID + ix] * (1 - fx) + grid[(iy + 1) * GRID + ix + 1] * fx;
    return top * (1 - fy) + bottom * fy;
  }

  private static double clamp(double v) {
    return Math.max(0, Math.min(1, v));
  }
}
