package org.fusioncds.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import org.fusioncds.error.FcdsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Parsing the compliance query's parameters: FHIR R4 dateTime bounds, ids, blanks. */
class ComplianceFilterTest {

  @Test
  void blankAndMissingValuesRestrictNothing() {
    ComplianceFilter f = ComplianceFilter.parse(null, " ", "", null, "\t");

    assertEquals(ComplianceFilter.all(), f);
  }

  @Test
  void patientPrefixIsDropped() {
    ComplianceFilter f = ComplianceFilter.parse("Patient/p-1.a", null, null, null, null);

    assertEquals("p-1.a", f.patientId());
  }

  @ParameterizedTest
  @CsvSource({
    "2026-11-20T08:16:30Z, 2026-11-20T08:16:30Z",
    "2026-11-20T08:16:30.250Z, 2026-11-20T08:16:30.250Z",
    "2026-11-20T09:16:30+01:00, 2026-11-20T08:16:30Z",
    "2026-11-20, 2026-11-20T00:00:00Z",
    "2026-11, 2026-11-01T00:00:00Z",
    "2026, 2026-01-01T00:00:00Z"
  })
  void fromIsTheFirstInstantTheValueCovers(String value, String expected) {
    ComplianceFilter f = ComplianceFilter.parse(null, null, value, null, null);

    assertEquals(Instant.parse(expected), f.from());
  }

  @ParameterizedTest
  @CsvSource({
    "2026-11-20T08:16:30Z, 2026-11-20T08:16:30Z",
    "2026-11-20, 2026-11-20T23:59:59.999Z",
    "2026-02, 2026-02-28T23:59:59.999Z",
    "2024-02, 2024-02-29T23:59:59.999Z",
    "2026, 2026-12-31T23:59:59.999Z"
  })
  void toIsTheLastInstantTheValueCovers(String value, String expected) {
    ComplianceFilter f = ComplianceFilter.parse(null, null, null, value, null);

    assertEquals(Instant.parse(expected), f.to());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "yesterday",
        "2026-11-20T08:16:30",
        "2026-11-20 08:16:30Z",
        "2026-13-01",
        "2026-02-30",
        "2026-11-20T25:00:00Z",
        "20261120",
        "2026-11-20T08:16Z",
        "1763626590"
      })
  void refusesAValueThatIsNotAFhirDateTime(String value) {
    FcdsException e =
        assertThrows(
            FcdsException.class, () -> ComplianceFilter.parse(null, null, null, value, null));

    assertEquals(7091, e.code());
    assertEquals(
        "FCDS-7091: to is not a FHIR dateTime (YYYY, YYYY-MM, YYYY-MM-DD or"
            + " YYYY-MM-DDThh:mm:ss with a time zone) — "
            + value,
        e.getMessage());
  }

  @Test
  void namesFromWhenFromIsBad() {
    FcdsException e =
        assertThrows(
            FcdsException.class, () -> ComplianceFilter.parse(null, null, "nope", null, null));

    assertEquals(7091, e.code());
    assertEquals(true, e.getMessage().startsWith("FCDS-7091: from is not a FHIR dateTime"));
  }

  @Test
  void refusesFromAfterTo() {
    FcdsException e =
        assertThrows(
            FcdsException.class,
            () -> ComplianceFilter.parse(null, null, "2026-11-21", "2026-11-20", null));

    assertEquals(
        "FCDS-7091: from is after to — from=2026-11-21T00:00:00Z, to=2026-11-20T23:59:59.999Z",
        e.getMessage());
  }

  @Test
  void sameDayForFromAndToCoversThatDay() {
    ComplianceFilter f = ComplianceFilter.parse(null, null, "2026-11-20", "2026-11-20", null);

    assertEquals(Instant.parse("2026-11-20T00:00:00Z"), f.from());
    assertEquals(Instant.parse("2026-11-20T23:59:59.999Z"), f.to());
  }

  @ParameterizedTest
  @ValueSource(strings = {"p 1", "p/1", "Patient/", "x&subject=Patient/other", "é"})
  void refusesAPatientThatIsNotAFhirId(String value) {
    FcdsException e =
        assertThrows(
            FcdsException.class, () -> ComplianceFilter.parse(value, null, null, null, null));

    assertEquals(7091, e.code());
    assertEquals("FCDS-7091: patient is not a FHIR id — " + value, e.getMessage());
  }

  @Test
  void callerAndModelAreKeptAsGiven() {
    ComplianceFilter f =
        ComplianceFilter.parse(null, " cap-fusion ", null, null, "https://ehr.example.org");

    assertEquals("cap-fusion", f.modelId());
    assertEquals("https://ehr.example.org", f.caller());
    assertNull(f.patientId());
  }
}
