package org.fusioncds.sandbox.cohort;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Units, times and missingness as an assembler meets them, read from 200 patients' bundles. */
class CohortContentTest {

  @TempDir static Path tmp;
  static Path cohort;
  static List<Bundle> bundles;

  @BeforeAll
  static void generate() {
    cohort = tmp.resolve("cohort");
    CohortGenerator.generate(200, 77, cohort);
    bundles =
        CohortFiles.labels(cohort).stream().map(r -> CohortFiles.bundle(cohort, r[0])).toList();
  }

  @Test
  void unitsVaryBetweenPatients() {
    assertTrue(units("1988-5").containsAll(Set.of("mg/L", "mg/dL")), "CRP " + units("1988-5"));
    assertTrue(units("6690-2").containsAll(Set.of("10*3/uL", "10*9/L")), "WBC");
    assertTrue(units("33959-8").containsAll(Set.of("ng/mL", "ug/L")), "PCT");
    assertTrue(units("8310-5").containsAll(Set.of("Cel", "[degF]")), "temperature");
  }

  @Test
  void imagesLabsAndSingleLabsAreSometimesMissing() {
    long noImage = bundles.stream().filter(b -> CohortFiles.study(b) == null).count();
    long noLabs = bundles.stream().filter(b -> labs(b).isEmpty()).count();
    long noPct =
        bundles.stream()
            .filter(b -> !labs(b).isEmpty() && CohortFiles.observations(b, "33959-8").isEmpty())
            .count();
    assertTrue(noImage >= 8 && noImage <= 35, "without image: " + noImage);
    assertTrue(noLabs >= 15 && noLabs <= 50, "without labs: " + noLabs);
    assertTrue(noPct >= 10, "with labs but no procalcitonin: " + noPct);
  }

  @Test
  void someValuesLieOutsideTheVisitWindowAndSomeCodesRepeatWithinIt() {
    int outside = 0;
    int repeated = 0;
    for (Bundle b : bundles) {
      Instant visit = visit(b);
      for (String code : List.of("6690-2", "1988-5", "8310-5")) {
        int inWindow = 0;
        for (Observation o : CohortFiles.observations(b, code)) {
          Instant t = o.getEffectiveDateTimeType().getValue().toInstant();
          boolean in =
              !t.isBefore(visit.minus(Duration.ofHours(24)))
                  && !t.isAfter(visit.plus(Duration.ofHours(6)));
          inWindow += in ? 1 : 0;
          outside += in ? 0 : 1;
        }
        repeated += inWindow > 1 ? 1 : 0;
      }
    }
    assertTrue(outside >= 20, "outside the window: " + outside);
    assertTrue(repeated >= 20, "repeated in the window: " + repeated);
  }

  /** The visit: the study's start, or for patients without image the median Observation time. */
  private static Instant visit(Bundle b) {
    ImagingStudy s = CohortFiles.study(b);
    if (s != null) {
      return s.getStarted().toInstant();
    }
    List<Instant> times =
        CohortFiles.resources(b, Observation.class).stream()
            .map(o -> o.getEffectiveDateTimeType().getValue().toInstant())
            .sorted()
            .toList();
    return times.isEmpty() ? Instant.EPOCH : times.get(times.size() / 2);
  }

  private static List<Observation> labs(Bundle b) {
    return CohortFiles.resources(b, Observation.class).stream()
        .filter(o -> "laboratory".equals(o.getCategoryFirstRep().getCodingFirstRep().getCode()))
        .toList();
  }

  private static Set<String> units(String loinc) {
    Set<String> seen = new TreeSet<>();
    for (Bundle b : bundles) {
      CohortFiles.observations(b, loinc).forEach(o -> seen.add(o.getValueQuantity().getCode()));
    }
    return seen;
  }
}
