package org.fusioncds.sandbox.cohort;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;

/**
 * Which Observations a patient has, when, and in which unit. None of these choices depends on the
 * label; only the values do (through {@link MeasurementModel}).
 *
 * <ul>
 *   <li>15 % of patients have no labs at all; otherwise WBC is missing in 5 %, CRP in 7 %,
 *       procalcitonin in 30 %; each vital sign is missing in 4 %
 *   <li>the current value lies in [visit − 4 h, visit + 1 h]; 20 % have an earlier in-window value
 *       2–8 h before it, drawn from a partly developed state 0.7·r + 0.3·N(0, 1)
 *   <li>out of window: 20 % of labs (10 % of vitals) have a value 10–30 days before the visit, 8 %
 *       one 2–7 days after it, both from a convalescent state N(−0.3, 0.6)
 *   <li>units: each patient's multi-unit measures use the first unit with chance 0.6
 * </ul>
 */
final class MeasurementSampler {

  private static final long HOUR = 3600;
  private static final long DAY = 24 * HOUR;

  private final Rng rng;
  private final Clinical clinical;
  private final LocalDateTime visit;
  private final List<Measurement> all = new ArrayList<>();
  private final EnumMap<Measure, Double> current = new EnumMap<>(Measure.class);

  private MeasurementSampler(Rng rng, Clinical clinical, LocalDateTime visit) {
    this.rng = rng;
    this.clinical = clinical;
    this.visit = visit;
  }

  static Measurements draw(Rng rng, Clinical clinical, LocalDateTime visit) {
    MeasurementSampler s = new MeasurementSampler(rng, clinical, visit);
    boolean noLabs = rng.chance(0.15);
    for (Measure m : Measure.values()) {
      s.drawMeasure(m, m.laboratory && noLabs);
    }
    return new Measurements(List.copyOf(s.all), s.current, noLabs);
  }

  private void drawMeasure(Measure m, boolean suppressed) {
    Measure.Unit unit = m.units.size() > 1 && !rng.chance(0.6) ? m.units.get(1) : m.canonical();
    boolean present = !rng.chance(missingChance(m));
    boolean earlier = rng.chance(0.2);
    boolean old = rng.chance(m.laboratory ? 0.2 : 0.1);
    boolean followUp = rng.chance(0.08);
    long latestAt = Math.round(rng.uniform(-4 * HOUR, HOUR));
    if (suppressed) {
      return;
    }
    if (old) {
      add(m, convalescent(m), unit, -Math.round(rng.uniform(10 * DAY, 30 * DAY)), false);
    }
    if (present) {
      drawCurrent(m, unit, earlier, latestAt);
    }
    if (followUp) {
      add(m, convalescent(m), unit, Math.round(rng.uniform(2 * DAY, 7 * DAY)), false);
    }
  }

  private void drawCurrent(Measure m, Measure.Unit unit, boolean earlier, long latestAt) {
    if (earlier) {
      double r = 0.7 * clinical.inflammation() + 0.3 * rng.gaussian();
      double q = 0.7 * clinical.respiratory() + 0.3 * rng.gaussian();
      double v = MeasurementModel.value(m, clinical, r, q, rng.gaussian());
      add(m, v, unit, latestAt - Math.round(rng.uniform(2 * HOUR, 8 * HOUR)), true);
    }
    double v =
        MeasurementModel.value(
            m, clinical, clinical.inflammation(), clinical.respiratory(), rng.gaussian());
    add(m, v, unit, latestAt, true);
    current.put(m, v);
  }

  private double convalescent(Measure m) {
    double r = -0.3 + 0.6 * rng.gaussian();
    double q = -0.3 + 0.6 * rng.gaussian();
    return MeasurementModel.value(m, clinical, r, q, rng.gaussian());
  }

  private void add(Measure m, double v, Measure.Unit unit, long offsetSeconds, boolean inWindow) {
    all.add(new Measurement(m, v, unit, visit.plusSeconds(offsetSeconds), inWindow));
  }

  private static double missingChance(Measure m) {
    return switch (m) {
      case WBC -> 0.05;
      case CRP -> 0.07;
      case PROCALCITONIN -> 0.30;
      default -> 0.04;
    };
  }
}
