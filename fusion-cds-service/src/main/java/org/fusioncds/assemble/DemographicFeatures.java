package org.fusioncds.assemble;

import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.List;
import java.util.OptionalInt;
import org.fusioncds.model.ModelCard.Feature;
import org.hl7.fhir.r4.model.Patient;

/**
 * Demographic columns from the FHIR R4 Patient: age in completed years at the study (birthDate to
 * the study date in UTC), z-scored; administrative gender mapped through the card's {@code map}.
 */
final class DemographicFeatures {

  FeatureValue value(Feature f, Patient p, Instant anchor) {
    return "age".equals(f.demographic()) ? age(f, p, anchor) : sex(f, p);
  }

  private static FeatureValue age(Feature f, Patient p, Instant anchor) {
    if (!p.hasBirthDate()) {
      return FeatureValue.missing("no birthDate");
    }
    OptionalInt years = ageYears(p, anchor);
    if (years.isEmpty()) {
      return FeatureValue.missing("birthDate after the study");
    }
    return FeatureValue.of(
        FeatureValue.scale(years.getAsInt(), f.mean(), f.std(), f.clip()), List.of(p));
  }

  /**
   * Completed years (UTC dates) at {@code anchor}; empty without a birthDate or with one after the
   * anchor.
   */
  static OptionalInt ageYears(Patient p, Instant anchor) {
    if (p == null || !p.hasBirthDate() || anchor == null) {
      return OptionalInt.empty();
    }
    LocalDate birth = birthDate(p.getBirthDateElement().getValueAsString());
    LocalDate at = anchor.atZone(ZoneOffset.UTC).toLocalDate();
    return birth.isAfter(at)
        ? OptionalInt.empty()
        : OptionalInt.of(Period.between(birth, at).getYears());
  }

  /** FHIR date text: YYYY, YYYY-MM or YYYY-MM-DD; partial dates read as their first day. */
  static LocalDate birthDate(String text) {
    String full = text.length() == 4 ? text + "-01-01" : text.length() == 7 ? text + "-01" : text;
    return LocalDate.parse(full.substring(0, 10));
  }

  private static FeatureValue sex(Feature f, Patient p) {
    String gender = p.hasGender() ? p.getGender().toCode() : null;
    Double v = gender == null ? null : f.map().get(gender);
    if (v == null) {
      return FeatureValue.missing("gender '" + gender + "' not in the card's map");
    }
    return FeatureValue.of(FeatureValue.scale(v, f.mean(), f.std(), f.clip()), List.of(p));
  }
}
