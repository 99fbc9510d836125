package org.fusioncds.testing;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.CacheControlDirective;
import ca.uhn.fhir.rest.api.SortOrderEnum;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.fusioncds.audit.BalpCodes;
import org.fusioncds.sandbox.cohort.CohortGenerator;
import org.fusioncds.sandbox.cohort.CohortLoader;
import org.fusioncds.sandbox.cohort.VisitFrame;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;

/**
 * Patients for the security and audit tests (a generated cohort with recent radiographs, and the
 * shared Synthea patients), what counts as their PHI (names, identifier values, birth dates,
 * telecom, address lines), and readers of the audit trail an audit repository holds.
 */
public final class TrailFixture {

  private static final FhirContext FHIR = FhirContext.forR4Cached();

  private final Path cohort;
  private final List<String> withImageAndLabs = new ArrayList<>();
  private final List<String> synthea = new ArrayList<>();
  private final Set<String> phi = new LinkedHashSet<>();

  private TrailFixture(Path cohort) {
    this.cohort = cohort;
  }

  /** A cohort of {@code patients} whose visits fall in the day before now. */
  public static TrailFixture generate(Path folder, int patients, long seed) {
    CohortGenerator.generate(patients, seed, folder, VisitFrame.dayBefore(Instant.now()));
    return new TrailFixture(folder);
  }

  public Path dicomFolder() {
    return cohort.resolve("dicom");
  }

  /** Loads the cohort and the Synthea patients into the FHIR server; notes their PHI. */
  public void load(String fhirBase) throws IOException {
    IGenericClient fhir = FHIR.newRestfulGenericClient(fhirBase);
    for (CohortLoader.LoadedPatient p : CohortLoader.load(fhir, cohort)) {
      if (p.image() && p.labs()) {
        withImageAndLabs.add(p.id());
      }
      notePhi(p.bundle(), p.id());
    }
    for (Path f : TestData.files("fhir/synthea-r4")) {
      Bundle b = FHIR.newJsonParser().parseResource(Bundle.class, Files.readString(f));
      Bundle answer = fhir.transaction().withBundle(b).execute();
      String id =
          answer.getEntry().stream()
              .map(e -> e.getResponse().getLocation())
              .filter(l -> l != null && l.startsWith("Patient/"))
              .findFirst()
              .orElseThrow()
              .split("/")[1];
      synthea.add(id);
      notePhi(b, id);
    }
    if (withImageAndLabs.size() < 5) {
      throw new IllegalStateException("cohort too small: " + withImageAndLabs.size());
    }
  }

  /** The i-th patient with a recent radiograph and labs. */
  public String withImageAndLabs(int i) {
    return withImageAndLabs.get(i);
  }

  public List<String> syntheaPatients() {
    return List.copyOf(synthea);
  }

  /** Every PHI string of the loaded patients. */
  public Set<String> phi() {
    return Set.copyOf(phi);
  }

  /** The PHI strings that occur in this text (an empty list: none). */
  public List<String> phiIn(String text) {
    return phi.stream().filter(text::contains).toList();
  }

  /**
   * Names, identifier values, birth dates, telecom and address lines of each Patient. An identifier
   * whose value is the resource's logical id is left out: logs may carry logical ids.
   */
  private void notePhi(Bundle b, String logicalId) {
    for (Bundle.BundleEntryComponent e : b.getEntry()) {
      if (!(e.getResource() instanceof Patient p)) {
        continue;
      }
      for (HumanName n : p.getName()) {
        n.getGiven().forEach(g -> add(g.getValue()));
        add(n.getFamily());
      }
      for (Identifier i : p.getIdentifier()) {
        if (!logicalId.equals(i.getValue())) {
          add(i.getValue());
        }
      }
      if (p.hasBirthDate()) {
        add(p.getBirthDateElement().getValueAsString());
      }
      p.getTelecom().stream().map(ContactPoint::getValue).forEach(this::add);
      for (Address a : p.getAddress()) {
        a.getLine().forEach(l -> add(l.getValue()));
      }
    }
  }

  private void add(String value) {
    if (value != null && value.strip().length() >= 4) {
      phi.add(value.strip());
    }
  }

  /** What this test JVM has logged (logback-test.xml's capture file). */
  public static String capturedLog() throws IOException {
    return Files.readString(
        Path.of(System.getProperty("fcds.test.log", "target/test-logs/tests.log")));
  }

  // --- the audit trail ---

  /** Every AuditEvent of a repository (all pages), newest first. */
  public static List<AuditEvent> all(String baseUrl) {
    IGenericClient client = FHIR.newRestfulGenericClient(baseUrl);
    List<AuditEvent> out = new ArrayList<>();
    Bundle page =
        client
            .search()
            .forResource(AuditEvent.class)
            .sort(new SortSpec("date", SortOrderEnum.DESC))
            .count(50)
            .cacheControl(new CacheControlDirective().setNoCache(true)) // HAPI reuses results 60 s
            .returnBundle(Bundle.class)
            .execute();
    while (page != null) {
      page.getEntry().forEach(e -> out.add((AuditEvent) e.getResource()));
      page = page.getLink(Bundle.LINK_NEXT) == null ? null : client.loadPage().next(page).execute();
    }
    return out;
  }

  /** The event's X-Request-Id (its BALP transaction entity), or null. */
  public static String requestId(AuditEvent e) {
    return e.getEntity().stream()
        .filter(x -> x.getWhat().hasIdentifier())
        .filter(
            x ->
                x.getWhat().getIdentifier().getType().getCoding().stream()
                    .anyMatch(c -> BalpCodes.BALP_ENTITY_TYPE.equals(c.getSystem())))
        .map(x -> x.getWhat().getIdentifier().getValue())
        .findFirst()
        .orElse(null);
  }

  /** hook-call, read, search-type, transaction, dicom-read, authentication or the subtype code. */
  public static String kind(AuditEvent e) {
    String type = e.getType().getCode();
    if ("110103".equals(type)) {
      return "dicom-read";
    }
    if ("110114".equals(type)) {
      return "authentication";
    }
    boolean hook =
        e.getSubtype().stream().anyMatch(c -> BalpCodes.CDS_HOOK_SYSTEM.equals(c.getSystem()));
    return hook ? "hook-call" : e.getSubtypeFirstRep().getCode();
  }

  /** The iss of the calling EHR (the agent of type DCM 110150), or null. */
  public static String callerIssuer(AuditEvent e) {
    return e.getAgent().stream()
        .filter(a -> a.getType().getCoding().stream().anyMatch(c -> "110150".equals(c.getCode())))
        .map(a -> a.getWho().getIdentifier().getSystem())
        .findFirst()
        .orElse(null);
  }

  /** The patient entity's reference, or null. */
  public static String patient(AuditEvent e) {
    return e.getEntity().stream()
        .map(x -> x.getWhat().getReference())
        .filter(r -> r != null && r.startsWith("Patient/"))
        .findFirst()
        .orElse(null);
  }
}
