package org.fusioncds.assemble;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.fusioncds.model.ModelCard.Feature;
import org.fusioncds.model.ModelCard.LabWindow;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Observation.ObservationStatus;
import org.hl7.fhir.r4.model.Quantity;

/**
 * Lab and vital-sign columns from FHIR R4 Observations: the latest final/amended/corrected one with
 * a card code, effective within the card's window around the study ({@link LabWindow#contains});
 * its Quantity converted to the card's UCUM unit, z-scored, clipped. Unconvertible unit, comparator
 * or no value: missing, with the reason.
 */
final class ObservationFeatures {

  private static final Set<ObservationStatus> USABLE =
      Set.of(ObservationStatus.FINAL, ObservationStatus.AMENDED, ObservationStatus.CORRECTED);
  private static final String UCUM = "http://unitsofmeasure.org";

  private final UnitConverter units;
  private final LabWindow window;

  ObservationFeatures(UnitConverter units, LabWindow window) {
    this.units = units;
    this.window = window;
  }

  FeatureValue value(Feature f, List<Observation> observations, Instant anchor) {
    Optional<Observation> latest =
        observations.stream()
            .filter(o -> USABLE.contains(o.getStatus()) && matches(o, f.codes()))
            .filter(o -> window.contains(anchor, o))
            .max(
                Comparator.comparing(LabWindow::effective)
                    .thenComparing(o -> o.getIdElement().getValue()));
    if (latest.isEmpty()) {
      return FeatureValue.missing("no usable observation within the window");
    }
    return convert(f, latest.get());
  }

  private FeatureValue convert(Feature f, Observation o) {
    if (!o.hasValueQuantity() || !o.getValueQuantity().hasValue()) {
      return FeatureValue.missing("latest observation has no Quantity value");
    }
    Quantity q = o.getValueQuantity();
    if (q.hasComparator()) {
      return FeatureValue.missing(
          "latest observation is censored (" + q.getComparator().toCode() + ")");
    }
    String unit = unit(q);
    if (unit == null) {
      return FeatureValue.missing("latest observation has no unit");
    }
    Optional<Double> v = units.convert(q.getValue().doubleValue(), unit, f.unit());
    if (v.isEmpty()) {
      return FeatureValue.missing("unit '" + unit + "' not convertible to '" + f.unit() + "'");
    }
    return FeatureValue.of(FeatureValue.scale(v.get(), f.mean(), f.std(), f.clip()), List.of(o));
  }

  /** The UCUM code when the Quantity is UCUM-coded (or uncoded with a code), else its unit text. */
  private static String unit(Quantity q) {
    if (q.hasCode() && (!q.hasSystem() || UCUM.equals(q.getSystem()))) {
      return q.getCode();
    }
    return q.hasUnit() ? q.getUnit() : null;
  }

  static boolean matches(Observation o, List<String> codes) {
    for (Coding c : o.getCode().getCoding()) {
      if (codes.contains(c.getSystem() + "|" + c.getCode())) {
        return true;
      }
    }
    return false;
  }
}
