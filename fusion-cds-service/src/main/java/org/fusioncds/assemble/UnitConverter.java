package org.fusioncds.assemble;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.fhir.ucum.Decimal;
import org.fhir.ucum.UcumEssenceService;
import org.fhir.ucum.UcumException;

/**
 * UCUM unit conversion through {@code org.fhir.ucum} with the {@code ucum-essence.xml} its jar
 * ships. The library refuses units with an offset ("special unit with offset from 0"): {@code Cel},
 * {@code [degF]}, {@code [degRe]} and {@code K} are converted here through kelvin with the
 * functions UCUM defines for them (Cel: K − 273.15; [degF]: K·9/5 − 459.67; [degRe]: (K −
 * 273.15)·4/5). Other units are ratio scales: the factor of each unit pair is computed once through
 * the library (about 2 ms a call) and cached. Thread-safe.
 */
public final class UnitConverter {

  private static final Map<String, double[]> TEMPERATURE =
      Map.of( // unit → {scale, offset}: kelvin = value * scale + offset
          "K", new double[] {1, 0},
          "Cel", new double[] {1, 273.15},
          "[degF]", new double[] {5.0 / 9.0, 459.67 * 5.0 / 9.0},
          "[degRe]", new double[] {1.25, 273.15});

  private final UcumEssenceService ucum;
  private final Map<String, Optional<Double>> factors = new ConcurrentHashMap<>();

  public UnitConverter() {
    try (InputStream in = UcumEssenceService.class.getResourceAsStream("/ucum-essence.xml")) {
      if (in == null) {
        throw new IllegalStateException("ucum-essence.xml not on the class path");
      }
      ucum = new UcumEssenceService(in);
    } catch (IOException | UcumException e) {
      throw new IllegalStateException("UCUM essence unreadable", e);
    }
  }

  /** {@code value} in {@code from} expressed in {@code to}; empty when not convertible. */
  public Optional<Double> convert(double value, String from, String to) {
    if (from.equals(to)) {
      return Optional.of(value);
    }
    if (TEMPERATURE.containsKey(from) || TEMPERATURE.containsKey(to)) {
      return temperature(value, from, to);
    }
    return factors.computeIfAbsent(from + "\u0000" + to, k -> factor(from, to)).map(f -> value * f);
  }

  /** Non-special UCUM units are ratio scales: one factor per pair (the library takes ~2 ms). */
  private Optional<Double> factor(String from, String to) {
    try {
      Decimal d = ucum.convert(new Decimal(1), from, to);
      return Optional.of(Double.parseDouble(d.asDecimal()));
    } catch (UcumException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static Optional<Double> temperature(double value, String from, String to) {
    double[] f = TEMPERATURE.get(from);
    double[] t = TEMPERATURE.get(to);
    if (f == null || t == null) {
      return Optional.empty();
    }
    double kelvin = value * f[0] + f[1];
    return Optional.of((kelvin - t[1]) / t[0]);
  }
}
