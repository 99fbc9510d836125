package org.fusioncds.assemble;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.fusioncds.model.ModelCard.Feature;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Resource;

/**
 * Problem-list columns from FHIR R4 Conditions: 1 when a matching Condition is active at the study,
 * else 0 (an absent condition is an observed 0, never missing). Matching: {@code system|code}, or
 * {@code system|prefix} for code prefixes (ICD-10-CM {@code J44} matches {@code J44.9}). Active at
 * the study: not refuted or entered in error, onset (when known) not after the study; with an
 * abatement date: abated after the study; without one: clinicalStatus active, recurrence or
 * relapse.
 */
final class ConditionFeatures {

  private static final Set<String> ACTIVE = Set.of("active", "recurrence", "relapse");
  private static final Set<String> NOT_TRUE = Set.of("refuted", "entered-in-error");

  FeatureValue value(Feature f, List<Condition> conditions, Instant anchor) {
    List<Resource> used =
        conditions.stream()
            .filter(c -> matches(c, f) && activeAt(c, anchor))
            .map(c -> (Resource) c)
            .toList();
    double raw = used.isEmpty() ? 0.0 : 1.0;
    return FeatureValue.of(FeatureValue.scale(raw, f.mean(), f.std(), f.clip()), used);
  }

  static boolean matches(Condition c, Feature f) {
    for (Coding coding : c.getCode().getCoding()) {
      String key = coding.getSystem() + "|" + coding.getCode();
      if (f.codes() != null && f.codes().contains(key)) {
        return true;
      }
      if (f.codePrefixes() != null && f.codePrefixes().stream().anyMatch(key::startsWith)) {
        return true;
      }
    }
    return false;
  }

  static boolean activeAt(Condition c, Instant anchor) {
    if (NOT_TRUE.contains(code(c.getVerificationStatus().getCodingFirstRep()))) {
      return false;
    }
    if (c.hasOnsetDateTimeType() && c.getOnsetDateTimeType().getValue() != null) {
      if (c.getOnsetDateTimeType().getValue().toInstant().isAfter(anchor)) {
        return false;
      }
    }
    if (c.hasAbatementDateTimeType() && c.getAbatementDateTimeType().getValue() != null) {
      return c.getAbatementDateTimeType().getValue().toInstant().isAfter(anchor);
    }
    return ACTIVE.contains(code(c.getClinicalStatus().getCodingFirstRep()));
  }

  private static String code(Coding c) {
    return c.getCode() == null ? "" : c.getCode();
  }
}
