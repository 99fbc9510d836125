package org.fusioncds.sandbox.cohort;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CohortDeterminismTest {

  @Test
  void sameSeedWritesIdenticalBytesInEveryFile(@TempDir Path tmp) throws Exception {
    CohortGenerator.generate(30, 42, tmp.resolve("a"));
    CohortGenerator.generate(30, 42, tmp.resolve("b"));

    List<Path> a = CohortFiles.tree(tmp.resolve("a"));
    assertEquals(a, CohortFiles.tree(tmp.resolve("b")));
    assertFalse(a.isEmpty());
    for (Path f : a) {
      assertArrayEquals(
          Files.readAllBytes(tmp.resolve("a").resolve(f)),
          Files.readAllBytes(tmp.resolve("b").resolve(f)),
          f.toString());
    }
  }

  @Test
  void differentSeedsWriteDifferentCohorts(@TempDir Path tmp) throws Exception {
    CohortGenerator.generate(30, 42, tmp.resolve("a"));
    CohortGenerator.generate(30, 43, tmp.resolve("b"));

    List<String[]> a = CohortFiles.labels(tmp.resolve("a"));
    List<String[]> b = CohortFiles.labels(tmp.resolve("b"));
    assertNotEquals(a.get(0)[0], b.get(0)[0], "patient ids carry the seed");
    assertNotEquals(labelsOf(a), labelsOf(b));
    assertNotEquals(
        CohortFiles.tree(tmp.resolve("a").resolve("dicom")),
        CohortFiles.tree(tmp.resolve("b").resolve("dicom")));
  }

  @Test
  void aSmallerCohortIsThePrefixOfALargerOne(@TempDir Path tmp) throws Exception {
    CohortGenerator.generate(5, 9, tmp.resolve("small"));
    CohortGenerator.generate(12, 9, tmp.resolve("large"));

    for (Path f : CohortFiles.tree(tmp.resolve("small").resolve("fhir"))) {
      assertArrayEquals(
          Files.readAllBytes(tmp.resolve("small/fhir").resolve(f)),
          Files.readAllBytes(tmp.resolve("large/fhir").resolve(f)),
          f.toString());
    }
  }

  private static String labelsOf(List<String[]> rows) {
    StringBuilder sb = new StringBuilder();
    rows.forEach(r -> sb.append(r[2]));
    return sb.toString();
  }
}
