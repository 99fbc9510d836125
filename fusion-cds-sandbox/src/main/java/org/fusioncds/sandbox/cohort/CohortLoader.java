package org.fusioncds.sandbox.cohort;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;

/**
 * Loads a generated cohort's FHIR bundles (one transaction per patient, FHIR R4) into a server and
 * says what each patient has: a radiograph (a study in {@code labels.csv}), laboratory
 * Observations, and the synthetic ground truth. For the demo, the tests and the benchmarks.
 */
public final class CohortLoader {

  /** One loaded patient: its logical id and what the cohort gave it. */
  public record LoadedPatient(
      String id, boolean image, boolean labs, boolean pneumonia, Bundle bundle) {}

  private CohortLoader() {}

  /** Loads every bundle of {@code cohort/fhir}, in file order. */
  public static List<LoadedPatient> load(IGenericClient fhir, Path cohort) throws IOException {
    FhirContext ctx = FhirContext.forR4Cached();
    List<String> labels = Files.readAllLines(cohort.resolve("labels.csv"));
    List<LoadedPatient> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(cohort.resolve("fhir"))) {
      for (Path f : files.sorted().toList()) {
        Bundle b = ctx.newJsonParser().parseResource(Bundle.class, Files.readString(f));
        fhir.transaction().withBundle(b).execute();
        String id = f.getFileName().toString().replace(".json", "");
        String label =
            labels.stream().filter(l -> l.startsWith(id + ",")).findFirst().orElse(id + ",,0");
        out.add(
            new LoadedPatient(id, !label.startsWith(id + ",,"), labs(b), label.endsWith(",1"), b));
      }
    }
    return out;
  }

  private static boolean labs(Bundle b) {
    return b.getEntry().stream()
        .anyMatch(
            e ->
                e.getResource() instanceof Observation o
                    && "laboratory".equals(o.getCategoryFirstRep().getCodingFirstRep().getCode()));
  }
}
