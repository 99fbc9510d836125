package org.fusioncds.recall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.fusioncds.flow.InputVersions;
import org.fusioncds.flow.ResultKey;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

class RecentResultsTest {

  private static RecentResults.Entry entry(String key) {
    return new RecentResults.Entry(
        new InputVersions(List.of("Patient/1/_history/1")),
        List.of(),
        java.time.Instant.EPOCH,
        "ImagingStudy/1/_history/1",
        new ResultKey(key),
        "http://fhir/DiagnosticReport/r",
        "r",
        "1",
        null,
        java.util.Set.of());
  }

  @Test
  void anEntryIsFoundByServerAndPatientOnly() {
    RecentResults recent = new RecentResults(10, Duration.ofHours(1));
    recent.put("http://a/fhir", "p1", entry("k1"));
    assertEquals("k1", recent.get("http://a/fhir", "p1").orElseThrow().key().value());
    assertTrue(recent.get("http://b/fhir", "p1").isEmpty(), "another server's patient 1");
    assertTrue(recent.get("http://a/fhir", "p2").isEmpty());
    recent.forget("http://a/fhir", "p1");
    assertTrue(recent.get("http://a/fhir", "p1").isEmpty());
  }

  @Test
  void theIndexHoldsNoMoreThanItsBound() {
    RecentResults recent = new RecentResults(100, Duration.ofHours(1));
    for (int i = 0; i < 5_000; i++) {
      recent.put("http://a/fhir", "p" + i, entry("k" + i));
    }
    recent.cleanUp();
    assertTrue(recent.size() <= 100, "size " + recent.size());
  }

  @Test
  void zeroEntriesTurnsTheIndexOff() {
    RecentResults recent = new RecentResults(0, Duration.ofHours(1));
    recent.put("http://a/fhir", "p1", entry("k1"));
    recent.cleanUp();
    assertTrue(recent.get("http://a/fhir", "p1").isEmpty());
  }

  @Test
  void aNegativeBoundIsRefusedWithTheSettingsName() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new RecentResults(-1, Duration.ZERO));
    assertTrue(e.getMessage().contains("cds.recall.max-entries"), e.getMessage());
  }

  @Test
  void versionsAreComparedWhateverOrderTheServerGaveAndNeedAVersionEverywhere() {
    Patient p = new Patient();
    p.setId("Patient/1/_history/3");
    Observation o = new Observation();
    o.setId("o1");
    o.getMeta().setVersionId("2");
    Optional<InputVersions> a = InputVersions.of(List.of(p, o));
    Optional<InputVersions> b = InputVersions.of(List.of(o, p));
    assertEquals(a, b);
    assertEquals(
        List.of("Observation/o1/_history/2", "Patient/1/_history/3"), a.orElseThrow().references());
    Observation unversioned = new Observation();
    unversioned.setId("o2");
    assertTrue(InputVersions.of(List.of(p, unversioned)).isEmpty(), "no version: never recalled");
  }
}
