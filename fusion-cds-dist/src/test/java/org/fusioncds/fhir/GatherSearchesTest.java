package org.fusioncds.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The gather's searches: the card's lab codes within its lab window, the studies within its maximum
 * age, each a day wider on each side; the prefetch templates ask for everything.
 */
class GatherSearchesTest {

  @Test
  void theSearchAsksForTheLabWindowWidenedByADayInWholeSecondsUtc() {
    String url =
        FhirGateway.observationsSearch(
            "p-1",
            List.of("6690-2", "8310-5"),
            Instant.parse("2026-12-01T10:15:30.750Z"),
            Instant.parse("2026-12-04T16:15:30.250Z"));

    assertEquals(
        "Observation?patient=p-1&code=http://loinc.org|6690-2,http://loinc.org|8310-5&_count=200"
            + "&date=ge2026-11-30T10:15:30Z&date=le2026-12-05T16:15:30Z",
        url);
  }

  @Test
  void thePrefetchTemplateAsksForTheWholeHistory() {
    assertEquals(
        "Observation?patient={{context.patientId}}&code=http://loinc.org|6690-2&_count=200",
        FhirGateway.observationsSearch("{{context.patientId}}", List.of("6690-2")));
  }

  @Test
  void theStudySearchAsksForTheStartsTheCardsMaximumAgeAllowsWidenedByADay() {
    assertEquals(
        "ImagingStudy?patient=p-1&_count=50&started=ge2026-11-29T08:00:00Z"
            + "&started=le2026-12-04T08:00:00Z",
        FhirGateway.studiesSearch(
            "p-1", Instant.parse("2026-11-30T08:00:00Z"), Instant.parse("2026-12-03T08:00:00Z")));
  }
}
