package org.fusioncds.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.junit.jupiter.api.Test;

class RestReadTest {

  @Test
  void classifiesReadsByTheirPath() {
    assertEquals(
        new RestRead("read", AuditEventAction.R, "Patient/1", null),
        RestRead.of("GET", "Patient/1?_format=json"));
    assertEquals(
        new RestRead("vread", AuditEventAction.R, "Patient/1/_history/2", null),
        RestRead.of("GET", "/Patient/1/_history/2"));
  }

  @Test
  void classifiesSearchesPagingAndOperationsAsQueries() {
    assertEquals("search-type", RestRead.of("GET", "Observation?patient=1").subtype());
    assertEquals("search-system", RestRead.of("GET", "?_lastUpdated=gt2026").subtype());
    assertEquals("search", RestRead.of("GET", "?_getpages=abc&_getpagesoffset=20").subtype());
    assertEquals("search", RestRead.of("GET", "Patient/1/Observation").subtype());
    assertEquals("operation", RestRead.of("GET", "Patient/1/$everything").subtype());
    assertEquals("capabilities", RestRead.of("GET", "metadata").subtype());
    assertEquals("history-type", RestRead.of("GET", "Patient/_history").subtype());
    RestRead history = RestRead.of("GET", "Patient/1/_history");
    assertEquals("history-instance", history.subtype());
    assertEquals("Patient/1", history.reference());
    assertEquals("Observation?patient=1", RestRead.of("GET", "Observation?patient=1").query());
    assertEquals(AuditEventAction.E, RestRead.of("GET", "Observation?patient=1").action());
  }
}
