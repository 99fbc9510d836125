package org.fusioncds.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.fusioncds.testing.TestData;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sandbox HAPI FHIR JPA server (FHIR R4) answers what the product needs, over HTTP with the
 * HAPI generic client: the four shared Synthea bundles load as transactions, then the searches the
 * gather step makes return what the bundles hold.
 */
class SandboxFhirServerIT {

  private static final FhirContext FHIR = FhirContext.forR4Cached();
  private static final String SYNTHEA = "fhir/synthea-r4";
  private static final String MICHELE =
      "fhir/synthea-r4/Michele_Wolf_9fd25274-3a7d-43d4-87af-a03849074b5a.json";
  private static final String BOB =
      "fhir/synthea-r4/Bob965_Keeling57_3f6fd0bb-6cd3-eb3f-4401-cd38ace25f2b.json";

  private static SandboxFhirServer server;
  private static IGenericClient client;
  private static final Map<Path, Bundle> RESPONSES = new LinkedHashMap<>();

  @BeforeAll
  static void startAndLoadSynthea() throws IOException {
    long t0 = System.nanoTime();
    server = SandboxFhirServer.start(new SandboxFhirServer.Settings(0, true));
    long started = System.nanoTime();
    FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    FHIR.getRestfulClientFactory().setSocketTimeout(120_000);
    client = FHIR.newRestfulGenericClient(server.baseUrl());
    client.capabilities().ofType(CapabilityStatement.class).execute();
    long metadata = System.nanoTime();
    for (Path file : TestData.files(SYNTHEA)) {
      RESPONSES.put(file, client.transaction().withBundle(bundle(file)).execute());
    }
    long loaded = System.nanoTime();
    System.gc();
    System.out.printf(
        "sandbox FHIR: start %d ms, first /metadata %d ms, 4 Synthea bundles %d ms;"
            + " heap used %d MB, RSS %s%n",
        (started - t0) / 1_000_000,
        (metadata - started) / 1_000_000,
        (loaded - metadata) / 1_000_000,
        ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20,
        rss());
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void loadsEverySyntheaBundleAsOneTransaction() throws IOException {
    assertEquals(4, RESPONSES.size());
    for (Map.Entry<Path, Bundle> r : RESPONSES.entrySet()) {
      Bundle sent = bundle(r.getKey());
      assertEquals(sent.getEntry().size(), r.getValue().getEntry().size(), r.getKey().toString());
      for (BundleEntryComponent e : r.getValue().getEntry()) {
        assertEquals("201 Created", e.getResponse().getStatus(), r.getKey().toString());
      }
    }
  }

  @Test
  void conditionalCreateWithIfNoneExistCreatesOnlyOnce() {
    String value = UUID.randomUUID().toString();
    Bundle first = client.transaction().withBundle(conditionalCreate(value)).execute();
    Bundle second = client.transaction().withBundle(conditionalCreate(value)).execute();
    assertEquals("201 Created", first.getEntryFirstRep().getResponse().getStatus());
    assertEquals("200 OK", second.getEntryFirstRep().getResponse().getStatus());
    Bundle found =
        client
            .search()
            .forResource(Patient.class)
            .where(Patient.IDENTIFIER.exactly().systemAndIdentifier("urn:fcds:test", value))
            .returnBundle(Bundle.class)
            .execute();
    assertEquals(1, found.getEntry().size());
  }

  @Test
  void readsTheFirstVersionAfterAnUpdate() {
    Patient p = new Patient();
    p.addName().setFamily("Before");
    String id = client.create().resource(p).execute().getId().getIdPart();
    p.setId(id);
    p.getNameFirstRep().setFamily("After");
    client.update().resource(p).execute();
    Patient v1 = client.read().resource(Patient.class).withIdAndVersion(id, "1").execute();
    Patient now = client.read().resource(Patient.class).withId(id).execute();
    assertEquals("Before", v1.getNameFirstRep().getFamily());
    assertEquals("1", v1.getMeta().getVersionId());
    assertEquals("After", now.getNameFirstRep().getFamily());
    assertEquals("2", now.getMeta().getVersionId());
  }

  @Test
  void searchesObservationsByPatientAndLoincCodeNewestFirst() throws IOException {
    List<Observation> expected = ofType(bundle(TestData.path(MICHELE)), Observation.class);
    expected.removeIf(o -> !o.getCode().hasCoding("http://loinc.org", "6690-2"));
    String url =
        "Observation?patient="
            + patientId(MICHELE)
            + "&code=http://loinc.org|6690-2&_sort=-date&_count=100";
    List<Observation> found = search(url, Observation.class);
    assertEquals(expected.size(), found.size());
    assertTrue(found.size() >= 2, "Michele has WBC counts in the bundle");
    for (int i = 1; i < found.size(); i++) {
      assertTrue(
          !found
              .get(i)
              .getEffectiveDateTimeType()
              .after(found.get(i - 1).getEffectiveDateTimeType()),
          "newest first");
    }
  }

  @Test
  void searchesImagingStudiesOfAPatient() throws IOException {
    int expected = ofType(bundle(TestData.path(MICHELE)), ImagingStudy.class).size();
    List<ImagingStudy> found =
        search("ImagingStudy?patient=" + patientId(MICHELE), ImagingStudy.class);
    assertEquals(expected, found.size());
    assertTrue(found.stream().allMatch(s -> s.getSeries().size() > 0));
  }

  @Test
  void searchesOnlyActiveConditionsOfAPatient() throws IOException {
    List<Condition> all = ofType(bundle(TestData.path(MICHELE)), Condition.class);
    long active =
        all.stream()
            .filter(c -> c.getClinicalStatus().getCodingFirstRep().getCode().equals("active"))
            .count();
    List<Condition> found =
        search(
            "Condition?patient=" + patientId(MICHELE) + "&clinical-status=active", Condition.class);
    assertEquals(active, found.size());
    assertTrue(active < all.size(), "the bundle also holds a resolved condition");
  }

  @Test
  void searchesProvenanceByTarget() {
    List<Provenance> all = search("Provenance?patient=" + patientId(BOB), Provenance.class);
    assertEquals(1, all.size());
    Reference target = all.get(0).getTargetFirstRep();
    List<Provenance> found = search("Provenance?target=" + target.getReference(), Provenance.class);
    assertEquals(1, found.size());
    assertEquals(all.get(0).getIdElement().getIdPart(), found.get(0).getIdElement().getIdPart());
  }

  @Test
  void refusesAMalformedResourceWith400AndAnOperationOutcome() throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(server.baseUrl() + "/Patient"))
                    .header("Content-Type", "application/fhir+json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"resourceType\":\"Patient\","))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(400, r.statusCode());
    IBaseResource outcome = FHIR.newJsonParser().parseResource(r.body());
    assertEquals("OperationOutcome", outcome.fhirType());
  }

  // ------------------------------------------------------------------ helpers

  private static Bundle bundle(Path file) throws IOException {
    return FHIR.newJsonParser().parseResource(Bundle.class, Files.readString(file));
  }

  private static Bundle conditionalCreate(String value) {
    Patient p = new Patient();
    p.addIdentifier(new Identifier().setSystem("urn:fcds:test").setValue(value));
    Bundle b = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    b.addEntry()
        .setFullUrl("urn:uuid:" + UUID.randomUUID())
        .setResource(p)
        .getRequest()
        .setMethod(HTTPVerb.POST)
        .setUrl("Patient")
        .setIfNoneExist("identifier=urn:fcds:test|" + value);
    return b;
  }

  /** The server id of the patient a loaded bundle created (its first entry). */
  private static String patientId(String relative) {
    Bundle response = RESPONSES.get(TestData.path(relative));
    String location = response.getEntryFirstRep().getResponse().getLocation();
    assertTrue(location.startsWith("Patient/"), location);
    return location.split("/")[1];
  }

  private static <T extends Resource> List<T> ofType(Bundle b, Class<T> type) {
    return new java.util.ArrayList<>(
        b.getEntry().stream()
            .map(BundleEntryComponent::getResource)
            .filter(type::isInstance)
            .map(type::cast)
            .toList());
  }

  private static <T extends Resource> List<T> search(String url, Class<T> type) {
    Bundle b = client.search().byUrl(url).returnBundle(Bundle.class).execute();
    return ofType(b, type);
  }

  private static String rss() {
    try {
      return Files.readAllLines(Path.of("/proc/self/status")).stream()
          .filter(l -> l.startsWith("VmRSS"))
          .findFirst()
          .orElse("?")
          .replaceAll("\\s+", " ");
    } catch (IOException e) {
      return "?";
    }
  }
}
