package org.fusioncds.recall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.fusioncds.flow.InputVersions;
import org.fusioncds.testing.TestData;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

/**
 * The versions the cached path reads off a prefetch's JSON ({@link PrefetchVersions}) are the ones
 * HAPI's parser gives for the same JSON ({@link InputVersions}, what the gather compares), on the
 * Synthea patients of the shared test data sent as a FHIR server's searchsets; any other shape is
 * left to HAPI's parser.
 */
class PrefetchVersionsTest {

  private static final FhirContext FHIR = FhirContext.forR4Cached();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BASE = "http://fhir.example/fhir";

  @Test
  void searchsetsOfSyntheaPatientsGiveTheVersionsHapisParseGives() throws Exception {
    List<Path> files = TestData.files("fhir/synthea-r4");
    assertFalse(files.isEmpty());
    int compared = 0;
    for (Path f : files) {
      Bundle all = FHIR.newJsonParser().parseResource(Bundle.class, Files.readString(f));
      for (Class<? extends Resource> type : List.of(Observation.class, Condition.class)) {
        JsonNode sent = searchset(all, type, BASE);
        PrefetchVersions read = PrefetchVersions.search(sent, type.getSimpleName());
        assertTrue(read.clear(), f.getFileName() + " " + type.getSimpleName());
        assertEquals(asHapiParses(sent, type), read.references(), f.getFileName().toString());
        compared += read.references().size();
      }
    }
    assertTrue(compared > 50, compared + " resources compared");
  }

  @Test
  void aPatientGivesItsVersionAndAnythingElseIsLeftToTheParser() throws Exception {
    Patient p = new Patient();
    p.setId("p-1");
    p.getMeta().setVersionId("7");
    JsonNode patient = JSON.readTree(FHIR.newJsonParser().encodeResourceToString(p));
    assertEquals(
        List.of("Patient/p-1/_history/7"),
        PrefetchVersions.resource(patient, "Patient").references());
    assertEquals(
        asHapiParses(patient, Patient.class),
        PrefetchVersions.resource(patient, "Patient").references());
    assertSame(PrefetchVersions.ABSENT, PrefetchVersions.resource(null, "Patient"));

    ObjectNode noVersion = patient.deepCopy();
    ((ObjectNode) noVersion.path("meta")).remove("versionId");
    assertFalse(PrefetchVersions.resource(noVersion, "Patient").clear());
    ObjectNode odd = patient.deepCopy();
    odd.put("id", "p 1/../x");
    assertFalse(PrefetchVersions.resource(odd, "Patient").clear());
    JsonNode bundle = searchset(new Bundle(), Observation.class, BASE);
    assertFalse(PrefetchVersions.resource(bundle, "Patient").clear(), "a Bundle as the patient");
    assertFalse(PrefetchVersions.resource(JSON.readTree("\"Patient/p-1\""), "Patient").clear());
  }

  @Test
  void aSearchWithANextPageIsNotPrefetchedAndOtherEntryTypesAreSkipped() throws Exception {
    Bundle b = new Bundle();
    Observation o = new Observation();
    o.setId("o1");
    o.getMeta().setVersionId("2");
    b.addEntry().setResource(o);
    OperationOutcome warning = new OperationOutcome();
    warning.addIssue().setDiagnostics("more results than shown");
    b.addEntry().setResource(warning);
    ObjectNode sent = (ObjectNode) searchset(b, Resource.class, BASE);

    PrefetchVersions read = PrefetchVersions.search(sent, "Observation");
    assertEquals(List.of("Observation/o1/_history/2"), read.references());
    assertEquals(asHapiParses(sent, Observation.class), read.references());

    sent.putArray("link").addObject().put("relation", "next").put("url", BASE + "?page=2");
    PrefetchVersions paged = PrefetchVersions.search(sent, "Observation");
    assertTrue(paged.clear());
    assertNull(paged.references(), "the gather searches the server for every page");
  }

  @Test
  void onlyTheEntriesTheGatherKeepsAreReadAndOneItCannotTellOfLeavesThePartToTheParser()
      throws Exception {
    Bundle b = new Bundle();
    for (String id : List.of("in", "out", "odd")) {
      Observation o = new Observation();
      o.setId(id);
      o.getMeta().setVersionId("1");
      b.addEntry().setResource(o);
    }
    ObjectNode sent = (ObjectNode) searchset(b, Resource.class, BASE);
    PrefetchVersions.Keep inOnly = r -> !"out".equals(r.path("id").textValue());
    PrefetchVersions.Keep cannotTell =
        r -> "odd".equals(r.path("id").textValue()) ? null : Boolean.TRUE;

    PrefetchVersions kept = PrefetchVersions.search(sent, "Observation", inOnly);
    PrefetchVersions unclear = PrefetchVersions.search(sent, "Observation", cannotTell);

    assertEquals(
        List.of("Observation/in/", "Observation/odd/"),
        kept.references().stream().map(r -> r.substring(0, r.indexOf("_history"))).toList());
    assertSame(PrefetchVersions.UNCLEAR, unclear);
  }

  @Test
  void aFullUrlThatNamesAnotherIdOrAVersionIsLeftToTheParser() throws Exception {
    Bundle b = new Bundle();
    Observation o = new Observation();
    o.setId("o1");
    o.getMeta().setVersionId("2");
    b.addEntry().setResource(o);
    ObjectNode sent = (ObjectNode) searchset(b, Observation.class, BASE);
    ObjectNode entry = (ObjectNode) sent.path("entry").path(0);

    entry.put("fullUrl", "urn:uuid:8b58cdd1-3d79-3126-8fe0-da2c54d6805c");
    assertFalse(PrefetchVersions.search(sent, "Observation").clear());
    entry.put("fullUrl", BASE + "/Observation/o2");
    assertFalse(PrefetchVersions.search(sent, "Observation").clear());
    entry.put("fullUrl", BASE + "/Observation/o1/_history/1");
    assertFalse(PrefetchVersions.search(sent, "Observation").clear());
    entry.remove("fullUrl");
    assertEquals(
        List.of("Observation/o1/_history/2"),
        PrefetchVersions.search(sent, "Observation").references());
    entry.put("resource", "Observation/o1");
    assertFalse(PrefetchVersions.search(sent, "Observation").clear());
    sent.put("entry", "none");
    assertFalse(PrefetchVersions.search(sent, "Observation").clear());
  }

  /**
   * The resources of {@code type} in {@code from} as a server's searchset: ids kept, versions 1, 2,
   * 3… and each entry's fullUrl at {@code base}.
   */
  private static JsonNode searchset(Bundle from, Class<? extends Resource> type, String base)
      throws Exception {
    Bundle out = new Bundle().setType(Bundle.BundleType.SEARCHSET);
    int v = 0;
    for (Bundle.BundleEntryComponent e : from.getEntry()) {
      if (!type.isInstance(e.getResource())) {
        continue;
      }
      Resource r = e.getResource().copy();
      String id = r.getIdElement().getIdPart();
      if (id == null) {
        id = "x" + v;
      } else if (id.startsWith("urn:uuid:")) {
        id = id.substring("urn:uuid:".length());
      }
      r.setId(id);
      r.getMeta().setVersionId(Integer.toString(++v % 5 + 1));
      out.addEntry().setFullUrl(base + "/" + r.fhirType() + "/" + id).setResource(r);
    }
    return JSON.readTree(FHIR.newJsonParser().encodeResourceToString(out));
  }

  /** The versions the gather's reading of the same JSON (HAPI's parser) gives, sorted. */
  private static List<String> asHapiParses(JsonNode sent, Class<? extends Resource> type) {
    Resource parsed = (Resource) FHIR.newJsonParser().parseResource(sent.toString());
    List<Resource> of = new ArrayList<>();
    if (parsed instanceof Bundle b) {
      b.getEntry().stream()
          .map(Bundle.BundleEntryComponent::getResource)
          .filter(type::isInstance)
          .forEach(of::add);
    } else {
      of.add(parsed);
    }
    return InputVersions.of(of).orElseThrow().references();
  }
}
