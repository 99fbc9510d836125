package org.fusioncds.sandbox.cohort;

import java.time.LocalDate;
import java.time.LocalDateTime;

/**
 * One patient of the nodule cohort, fully determined by the seed and the index ({@code
 * models/nodule-ct/COHORT.md}).
 *
 * @param malignant the label: the nodule is malignant
 * @param shape the nodule's diameter and appearance (part-solid, spiculated, calcified)
 * @param nodule nodule centre as fractions of the lung's semi-axes (x, y, z), and the side in
 *     {@code right}; {@code upper}: in the upper part of the lung (the upper lobe)
 * @param vessels pulmonary vessels from each hilum: side (−1 right, 1 left), unit direction (x, y,
 *     z), length as a fraction of the way to the lung's edge, radius at the hilum in mm
 * @param cea CEA in ng/mL, null when not measured
 * @param smokerSince onset of the smoker Condition, null for a non-smoker; {@code copdSince} the
 *     same for COPD
 * @param body body semi-axes in mm (x, y) and the table offsets (dx, dy, dz)
 */
record NodulePatient(
    int index,
    Identity identity,
    int age,
    boolean female,
    boolean malignant,
    NoduleShape shape,
    double[] nodule,
    boolean upper,
    boolean right,
    double[][] vessels,
    Double cea,
    LocalDateTime ceaTime,
    boolean ceaInMicrogramsPerLitre,
    LocalDate smokerSince,
    LocalDate copdSince,
    double[] body) {

  /** Mean nodule evidence (log-diameter scale) of a malignant nodule, in SDs of the benign. */
  static final double EVIDENCE = 1.2;

  /** Mean CEA marker state of a malignant nodule, in SDs. */
  static final double MARKER = 1.0;

  /** Vessels drawn from each hilum. */
  static final int VESSELS = 7;

  static NodulePatient draw(long seed, int index, VisitFrame frame) {
    Identity id = Identity.draw(Rng.of(seed, index, Rng.Stream.IDS), seed, index, frame);
    Rng c = Rng.of(seed, index, Rng.Stream.CLINICAL);
    double w = c.chance(0.5) ? c.nextDouble() : Math.max(c.nextDouble(), c.nextDouble());
    int age = 40 + Math.min(44, (int) Math.floor(45 * w));
    boolean female = c.chance(0.5);
    double male = female ? 0 : 1;
    boolean smoker = c.chance(sigmoid(-0.3 + 0.01 * (age - 60) + 0.3 * male));
    boolean copd = c.chance(sigmoid(-2.5 + 0.04 * (age - 60) + 1.3 * (smoker ? 1 : 0)));
    double logit =
        -1.3 + 0.05 * (age - 65) + 1.0 * (smoker ? 1 : 0) + 0.5 * (copd ? 1 : 0) + 0.2 * male;
    boolean y = c.chance(sigmoid(logit));
    double label = y ? 1 : 0;
    double evidence = EVIDENCE * label + c.gaussian();
    double marker = MARKER * label + c.gaussian();

    Rng s = Rng.of(seed, index, Rng.Stream.SCENE);
    double mm = Math.max(4, Math.min(30, 7 * StrictMath.exp(0.4 * evidence)));
    NoduleShape shape = NoduleShape.draw(s, y, mm);
    boolean upper = s.chance(y ? 0.65 : 0.45);
    double[] at = {
      s.uniform(-0.5, 0.5),
      s.uniform(-0.5, 0.5),
      upper ? s.uniform(0.05, 0.55) : s.uniform(-0.55, 0.05)
    };
    boolean right = s.chance(0.5);
    double[] body = {
      150 + 10 * s.gaussian(),
      110 + 8 * s.gaussian(),
      s.uniform(-8, 8),
      s.uniform(-10, 10),
      s.uniform(-10, 10)
    };
    double[][] vessels = new double[2 * VESSELS][];
    for (int v = 0; v < vessels.length; v++) {
      double side = v < VESSELS ? -1 : 1;
      double dz = s.uniform(-0.8, 0.8);
      double a = s.uniform(-0.45 * Math.PI, 0.45 * Math.PI);
      double rho = Math.sqrt(1 - dz * dz);
      // from the hilum outwards (laterally), fanning up, down, to the front and the back
      vessels[v] =
          new double[] {
            side,
            side * rho * Math.cos(a),
            rho * Math.sin(a),
            dz,
            s.uniform(0.6, 0.95),
            s.uniform(2, 4)
          };
    }

    Rng m = Rng.of(seed, index, Rng.Stream.MEASUREMENTS);
    Double cea = null;
    LocalDateTime ceaTime = null;
    boolean ugL = m.chance(0.4);
    if (!m.chance(0.2)) {
      double v = 1.8 * StrictMath.exp(0.55 * marker + 0.35 * (smoker ? 1 : 0) + 0.2 * m.gaussian());
      cea = Math.max(0.2, Math.min(200, v));
      ceaTime = id.visit().minusMinutes(Math.round(m.uniform(0, 48 * 60)));
    }
    Rng h = Rng.of(seed, index, Rng.Stream.HISTORY);
    LocalDate visit = id.visit().toLocalDate();
    LocalDate smokerSince =
        smoker ? visit.minusDays(Math.round(h.uniform(2, age - 16) * 365.25)) : null;
    LocalDate copdSince = copd ? visit.minusDays(Math.round(h.uniform(0.5, 15) * 365.25)) : null;
    return new NodulePatient(
        index,
        id,
        age,
        female,
        y,
        shape,
        at,
        upper,
        right,
        vessels,
        cea,
        ceaTime,
        ugL,
        smokerSince,
        copdSince,
        body);
  }

  String patientId() {
    return identity.patientId();
  }

  LocalDate birthDate() {
    return identity.birthDate(age);
  }

  private static double sigmoid(double z) {
    return 1 / (1 + StrictMath.exp(-z));
  }
}
