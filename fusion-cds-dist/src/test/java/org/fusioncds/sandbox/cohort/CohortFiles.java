package org.fusioncds.sandbox.cohort;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Observation;

/** Reading a generated cohort folder back in tests. */
final class CohortFiles {

  private CohortFiles() {}

  /** Every regular file under {@code root}, relative, sorted. */
  static List<Path> tree(Path root) {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).map(root::relativize).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<String[]> labels(Path root) {
    try {
      List<String> lines = Files.readAllLines(root.resolve("labels.csv"), StandardCharsets.UTF_8);
      List<String[]> rows = new ArrayList<>();
      for (String line : lines.subList(1, lines.size())) {
        rows.add(line.split(",", -1));
      }
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Bundle bundle(Path root, String patientId) {
    try {
      String json =
          Files.readString(
              root.resolve("fhir").resolve(patientId + ".json"), StandardCharsets.UTF_8);
      return FhirContext.forR4Cached().newJsonParser().parseResource(Bundle.class, json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static <T> List<T> resources(Bundle b, Class<T> type) {
    List<T> out = new ArrayList<>();
    for (Bundle.BundleEntryComponent e : b.getEntry()) {
      if (type.isInstance(e.getResource())) {
        out.add(type.cast(e.getResource()));
      }
    }
    return out;
  }

  static ImagingStudy study(Bundle b) {
    List<ImagingStudy> s = resources(b, ImagingStudy.class);
    return s.isEmpty() ? null : s.get(0);
  }

  static List<Observation> observations(Bundle b, String loinc) {
    return resources(b, Observation.class).stream()
        .filter(o -> o.getCode().getCodingFirstRep().getCode().equals(loinc))
        .toList();
  }

  static Path dicom(Path root, ImagingStudy s) {
    ImagingStudy.ImagingStudySeriesComponent series = s.getSeriesFirstRep();
    return root.resolve("dicom")
        .resolve(s.getIdentifierFirstRep().getValue().substring("urn:oid:".length()))
        .resolve(series.getInstanceFirstRep().getUid() + ".dcm");
  }
}
