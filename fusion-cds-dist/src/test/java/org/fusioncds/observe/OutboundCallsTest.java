package org.fusioncds.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutboundCallsTest {

  @Test
  void answersAreCountedByHostAndPortWithTheSchemesDefaultWhenTheUrlNamesNone() {
    assertEquals(
        "pacs.example:443",
        OutboundCalls.server(URI.create("https://pacs.example/dicom-web/studies")));
    assertEquals(
        "pacs.example:80", OutboundCalls.server(URI.create("http://pacs.example/dicom-web")));
    assertEquals(
        "127.0.0.1:8042", OutboundCalls.server(URI.create("http://127.0.0.1:8042/dicom-web?x=1")));
  }

  @Test
  void theSameServerAndStatusCountUnderOneKeyWhatEverThePathAndQuery() {
    OutboundCalls calls = new OutboundCalls();
    List<OutboundCalls.Key> seen = new ArrayList<>();
    calls.onNewKey(seen::add);

    calls.answered("fhir", URI.create("https://fhir.example/Patient/1"), 200);
    calls.answered("fhir", URI.create("https://fhir.example:443/Observation?patient=1"), 200);
    calls.answered("fhir", URI.create("https://fhir.example/Patient/2"), 404);

    OutboundCalls.Key ok = new OutboundCalls.Key("fhir", "fhir.example:443", 200);
    assertEquals(List.of(ok, new OutboundCalls.Key("fhir", "fhir.example:443", 404)), seen);
    assertEquals(2, calls.count(ok));
  }
}
