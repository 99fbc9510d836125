package org.fusioncds.report.form;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.fusioncds.flow.EvaluationInputs;
import org.fusioncds.flow.ModelInputs;
import org.fusioncds.flow.Tensor;
import org.fusioncds.model.ModelCard;
import org.fusioncds.model.ModelCard.Feature;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Resource;

/**
 * The inputs table of the form: one row per tabular column the model read (mask 1) and one for the
 * image, each with the value as the record holds it, its unit, its time (and how long before or
 * after the image) and the versioned FHIR reference the Provenance names; and the missing inputs
 * with their reasons. A row names the resource only when the assembly used it (its versioned
 * reference is among the inputs), so the table and the Provenance agree.
 */
final class InputRows {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private InputRows() {}

  static List<FormFacts.InputRow> used(ModelCard card, EvaluationInputs in) {
    ModelInputs m = in.inputs();
    Set<String> used = Set.copyOf(m.referenceStrings());
    List<FormFacts.InputRow> rows = new ArrayList<>();
    image(card, m, used).ifPresent(rows::add);
    if (card.tabular() == null) {
      return rows;
    }
    Tensor values = m.tensor(card.tabular().tensor());
    Tensor mask = m.tensor(card.tabular().maskTensor());
    if (values == null) {
      return rows; // nothing tabular was assembled
    }
    for (int i = 0; i < card.features().size(); i++) {
      if (mask != null && mask.data()[i] < 0.5f) {
        continue;
      }
      Feature f = card.features().get(i);
      rows.add(row(f, values.data()[i], in, used, m.studyTime()));
    }
    return rows;
  }

  static List<FormFacts.MissingRow> missing(ModelInputs m) {
    return m.missing().stream().map(x -> new FormFacts.MissingRow(x.what(), x.reason())).toList();
  }

  private static java.util.Optional<FormFacts.InputRow> image(
      ModelCard card, ModelInputs m, Set<String> used) {
    String study =
        used.stream().filter(r -> r.startsWith("ImagingStudy/")).findFirst().orElse(null);
    String instance = used.stream().filter(r -> r.startsWith("urn:oid:")).findFirst().orElse(null);
    if (card.volume() != null && instance != null) {
      // a volume: every instance of the series was read (the Provenance names each one)
      long instances = used.stream().filter(r -> r.startsWith("urn:oid:")).count();
      ModelCard.VolumeSpec v = card.volume();
      return java.util.Optional.of(
          new FormFacts.InputRow(
              card.study().name(),
              instances
                  + (instances == 1 ? " instance" : " instances")
                  + " of one series, resampled to "
                  + v.size().get(0)
                  + "×"
                  + v.size().get(1)
                  + "×"
                  + v.size().get(2)
                  + " voxels",
              "",
              TIME.format(m.studyTime()) + " (the image)",
              (study == null ? "" : study + " · ") + "DICOM (each instance in the Provenance)",
              null));
    }
    if (card.image() == null || instance == null) {
      return java.util.Optional.empty();
    }
    String value =
        "frame 0, windowed and resized to " + card.image().columns() + "×" + card.image().rows();
    String ref = (study == null ? "" : study + " · ") + "DICOM " + instance;
    return java.util.Optional.of(
        new FormFacts.InputRow(
            card.study().name(),
            value,
            "",
            TIME.format(m.studyTime()) + " (the image)",
            ref,
            null));
  }

  private static FormFacts.InputRow row(
      Feature f, float z, EvaluationInputs in, Set<String> used, Instant anchor) {
    return switch (f.source()) {
      case "observation" ->
          observation(f, z, in.gathered().clinical().observations(), used, anchor);
      case "condition" -> condition(f, in.gathered().clinical().conditions(), used);
      default -> demographic(f, z, in, used, anchor);
    };
  }

  private static FormFacts.InputRow observation(
      Feature f, float z, List<Observation> all, Set<String> used, Instant anchor) {
    for (Observation o : all) {
      String ref = versioned(o);
      if (used.contains(ref) && matches(o.getCode().getCoding(), f.codes())) {
        Quantity q = o.getValueQuantity();
        String unit = q.hasCode() ? q.getCode() : q.getUnit();
        Instant t = effective(o);
        String value = q.getValue().stripTrailingZeros().toPlainString();
        return new FormFacts.InputRow(
            label(f.name(), o.getCode().getCodingFirstRep().getDisplay()),
            value,
            unit,
            t == null ? "" : when(t, anchor),
            ref,
            brief(f, value, unit) + (t == null ? "" : " (" + relative(t, anchor) + ")"));
      }
    }
    String value = number(unscaled(f, z));
    return new FormFacts.InputRow(f.name(), value, f.unit(), "", "", brief(f, value, f.unit()));
  }

  private static FormFacts.InputRow condition(Feature f, List<Condition> all, Set<String> used) {
    List<String> refs = new ArrayList<>();
    String display = null;
    for (Condition c : all) {
      String ref = versioned(c);
      if (used.contains(ref)) {
        List<String> codes = new ArrayList<>(f.codes() == null ? List.of() : f.codes());
        boolean prefix = f.codePrefixes() != null;
        if (matches(c.getCode().getCoding(), codes) || prefix && prefixed(c, f.codePrefixes())) {
          refs.add(ref);
          display = display == null ? c.getCode().getCodingFirstRep().getDisplay() : display;
        }
      }
    }
    return refs.isEmpty()
        ? new FormFacts.InputRow(
            f.name(), "absent (not on the problem list)", "", "", "", "no " + name(f))
        : new FormFacts.InputRow(
            label(f.name(), display),
            "present",
            "",
            "active at the image",
            String.join(", ", refs),
            name(f));
  }

  private static FormFacts.InputRow demographic(
      Feature f, float z, EvaluationInputs in, Set<String> used, Instant anchor) {
    String patient = used.stream().filter(r -> r.startsWith("Patient/")).findFirst().orElse("");
    if ("age".equals(f.demographic())) {
      String years = String.valueOf(Math.round(unscaled(f, z)));
      return new FormFacts.InputRow(
          "age", years, "years", "at the image", patient, "age " + years + " years");
    }
    var p = in.context().patient();
    String gender = p != null && p.hasGender() ? p.getGender().toCode() : number(unscaled(f, z));
    return new FormFacts.InputRow(f.name(), gender, "", "", patient, "sex " + gender);
  }

  /** The model's value back in the card's unit (exact unless the card clipped it). */
  private static double unscaled(Feature f, float z) {
    return f.mean() == null ? z : z * f.std() + f.mean();
  }

  private static String label(String feature, String display) {
    return display == null || display.isBlank() ? feature : feature + " (" + display + ")";
  }

  private static String number(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }

  /** The time, and how long before or after the image. */
  static String when(Instant t, Instant anchor) {
    return TIME.format(t) + " (" + relative(t, anchor) + ")";
  }

  /** How long before or after the image: {@code "3.0 h before the image"}. */
  static String relative(Instant t, Instant anchor) {
    long minutes = Duration.between(anchor, t).toMinutes();
    String rel =
        Math.abs(minutes) < 60
            ? Math.abs(minutes) + " min"
            : String.format(Locale.ROOT, "%.1f h", Math.abs(minutes) / 60.0);
    return minutes == 0
        ? "at the image"
        : rel + (minutes < 0 ? " before" : " after") + " the image";
  }

  /** A time as the form and the card print it. */
  static String time(Instant t) {
    return TIME.format(t);
  }

  /**
   * The name a card gives a feature: a lab or vital sign as clinicians abbreviate it (the card's
   * feature name in capitals: {@code WBC}, {@code CRP}), a condition or demographic as the card
   * names it ({@code copd}, with {@code _} as a space).
   */
  static String name(Feature f) {
    String n = f.name().replace('_', ' ');
    return "observation".equals(f.source()) ? n.toUpperCase(Locale.ROOT) : n;
  }

  private static String brief(Feature f, String value, String unit) {
    return name(f) + " " + value + (unit == null || unit.isBlank() ? "" : " " + unit);
  }

  private static boolean matches(List<Coding> codings, List<String> codes) {
    return codes != null
        && codings.stream().anyMatch(c -> codes.contains(c.getSystem() + "|" + c.getCode()));
  }

  private static boolean prefixed(Condition c, List<String> prefixes) {
    return c.getCode().getCoding().stream()
        .map(x -> x.getSystem() + "|" + x.getCode())
        .anyMatch(k -> prefixes.stream().anyMatch(k::startsWith));
  }

  private static Instant effective(Observation o) {
    if (o.hasEffectiveDateTimeType() && o.getEffectiveDateTimeType().getValue() != null) {
      return o.getEffectiveDateTimeType().getValue().toInstant();
    }
    if (o.hasEffectivePeriod() && o.getEffectivePeriod().hasStart()) {
      return o.getEffectivePeriod().getStart().toInstant();
    }
    return o.hasIssued() ? o.getIssued().toInstant() : null;
  }

  /** {@code Type/id/_history/v}, as the assembly names a used resource. */
  private static String versioned(Resource r) {
    String id = r.getIdElement().getIdPart();
    String v =
        r.getIdElement().hasVersionIdPart()
            ? r.getIdElement().getVersionIdPart()
            : r.getMeta().getVersionId();
    return r.fhirType() + "/" + id + (v == null || v.isBlank() ? "" : "/_history/" + v);
  }
}
