package org.fusioncds.sandbox.cohort;

/**
 * The appearance of a pulmonary nodule on CT, the features radiologists and the Brock model read
 * (ARCHITECTURE 9h, {@code models/nodule-ct/training/COHORT.md}): its diameter, a solid or
 * part-solid (a solid core in ground glass) attenuation, a smooth or a spiculated margin (a
 * lobulated edge and thin strands radiating into the lung), and benign calcification (diffuse, or
 * central).
 *
 * @param diameterMm the whole nodule's diameter (ground glass included)
 * @param spicules per spicule a unit direction and its length in mm (x, y, z, length); empty: a
 *     smooth margin
 * @param lobulation phase of the lobulated edge of a spiculated nodule (radians)
 */
record NoduleShape(
    double diameterMm,
    boolean partSolid,
    boolean spiculated,
    Calcification calcification,
    double[][] spicules,
    double lobulation) {

  /** Benign calcification patterns (Fleischner: diffuse, central, laminated or popcorn). */
  enum Calcification {
    NONE,
    DIFFUSE,
    CENTRAL
  }

  static final double SOLID_HU = 30;
  static final double GROUND_GLASS_HU = -550;
  static final double CALCIUM_HU = 450;
  static final double SPICULE_RADIUS_MM = 1.3;

  /** How far from the centre the nodule can reach (mm): its margin and its spicules. */
  double reachMm() {
    double r = radius() * (spiculated ? 1.25 : 1);
    for (double[] s : spicules) {
      r = Math.max(r, radius() + s[3] + SPICULE_RADIUS_MM);
    }
    return r;
  }

  double radius() {
    return diameterMm / 2;
  }

  /**
   * HU at an offset (mm) from the centre, or NaN where the nodule is not (the lung shows through).
   */
  double hu(double dx, double dy, double dz) {
    double d = Math.sqrt(dx * dx + dy * dy + dz * dz);
    double r = radius();
    if (spiculated && d > 0) {
      double theta = Math.atan2(dy, dx);
      double phi = Math.acos(Math.max(-1, Math.min(1, dz / d)));
      r *= 1 + 0.22 * Math.sin(3 * theta + lobulation) * Math.sin(2 * phi);
    }
    if (d <= r) {
      return inside(d / r);
    }
    for (double[] s : spicules) {
      double along = dx * s[0] + dy * s[1] + dz * s[2];
      if (along < r * 0.6 || along > r + s[3]) {
        continue;
      }
      double px = dx - along * s[0];
      double py = dy - along * s[1];
      double pz = dz - along * s[2];
      double taper = 1 - 0.5 * Math.max(0, along - r) / s[3];
      if (px * px + py * py + pz * pz <= Math.pow(SPICULE_RADIUS_MM * taper, 2)) {
        return SOLID_HU;
      }
    }
    return Double.NaN;
  }

  /** HU inside the nodule at a fraction f (0 centre, 1 margin) of its radius. */
  private double inside(double f) {
    switch (calcification) {
      case DIFFUSE:
        return CALCIUM_HU;
      case CENTRAL:
        if (f < 0.5) {
          return CALCIUM_HU;
        }
        break;
      default:
        break;
    }
    if (partSolid && f > 0.5) {
      return GROUND_GLASS_HU;
    }
    return SOLID_HU;
  }

  /** Draws the appearance of a nodule of {@code diameterMm} for the label {@code malignant}. */
  static NoduleShape draw(Rng s, boolean malignant, double diameterMm) {
    boolean calcified = s.chance(malignant ? 0.02 : 0.20);
    boolean central = s.chance(0.5);
    boolean spiculated = s.chance(malignant ? 0.30 : 0.10);
    boolean partSolid = s.chance(malignant ? 0.20 : 0.08);
    double lobulation = s.uniform(0, 2 * Math.PI);
    int count = 6 + (int) Math.floor(s.uniform(0, 7));
    double[][] all = new double[12][];
    for (int i = 0; i < all.length; i++) {
      double z = s.uniform(-1, 1);
      double a = s.uniform(0, 2 * Math.PI);
      double rho = Math.sqrt(1 - z * z);
      double length = Math.max(4, diameterMm * s.uniform(0.5, 1.0));
      all[i] = new double[] {rho * Math.cos(a), rho * Math.sin(a), z, length};
    }
    Calcification c =
        !calcified ? Calcification.NONE : central ? Calcification.CENTRAL : Calcification.DIFFUSE;
    boolean spicules = spiculated && c == Calcification.NONE;
    return new NoduleShape(
        diameterMm,
        partSolid && c == Calcification.NONE,
        spicules,
        c,
        spicules ? java.util.Arrays.copyOf(all, count) : new double[0][],
        lobulation);
  }
}
