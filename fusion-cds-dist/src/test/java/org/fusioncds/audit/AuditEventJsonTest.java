package org.fusioncds.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Random;
import java.util.TimeZone;
import org.fusioncds.flow.AuditContext;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentNetworkType;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventEntityComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;

/**
 * The journal's own AuditEvent encoder against HAPI FHIR's JSON parser (as the spool configures
 * it): the same bytes for every event {@link AuditEvents} builds and for thousands of generated
 * ones, and null (HAPI writes it) for what only HAPI knows how to write.
 */
class AuditEventJsonTest {

  private static final FhirContext FHIR = FhirContext.forR4Cached();
  private static final Instant NOW = Instant.parse("2026-12-05T07:15:30.123Z");
  private static final AuditContext CTX = AuditEventsTest.CTX; // caller, user, patient, hook
  private static final AuditContext BARE = AuditEventsTest.BARE;
  private static final String FHIR_BASE = "https://fhir.example.org:8443/r4";

  private static IParser hapi() {
    return FHIR.newJsonParser().setStripVersionsFromReferences(false);
  }

  private static void sameAsHapi(AuditEvent e) {
    String ours = AuditEventJson.encode(e);
    assertNotNull(
        ours, "the fast path declined a plain event: " + hapi().encodeResourceToString(e));
    assertEquals(hapi().encodeResourceToString(e), ours);
  }

  @Test
  void everyEventTheServiceBuildsIsWrittenAsHapiWritesIt() {
    for (AuditEvents events :
        List.of(
            new AuditEvents("site-a", Clock.fixed(NOW, ZoneOffset.UTC)),
            new AuditEvents("Station ünïcode \"7\"", Clock.systemUTC()))) {
      for (AuditContext ctx : List.of(CTX, BARE)) {
        sameAsHapi(events.hookCall(ctx, "imaging-fusion", "patient-view", 200, null));
        sameAsHapi(events.hookCall(ctx, "imaging-fusion", null, 400, "FCDS-1012"));
        sameAsHapi(events.apiCall(ctx, "/admin/audit?patient=p-77&from=2026-01-01", 200, null));
        sameAsHapi(events.apiCall(ctx, "/admin/replay", 503, "FCDS-7071"));
        sameAsHapi(events.fhirRead(ctx, FHIR_BASE, "GET", "Patient/p-77", 200));
        sameAsHapi(events.fhirRead(ctx, FHIR_BASE, "GET", "Patient/p-77/_history/3", 200));
        sameAsHapi(
            events.fhirRead(ctx, FHIR_BASE, "GET", "Observation?patient=p-77&code=a%7Cb", 500));
        sameAsHapi(events.fhirRead(ctx, FHIR_BASE, "GET", "Condition?patient=p-77", 0));
        sameAsHapi(
            events.fhirBatchRead(
                ctx,
                FHIR_BASE,
                List.of("Patient/_history?_since=2026-12-05T07%3A00%3A00Z", "Patient/p-77"),
                200));
        sameAsHapi(
            events.fhirWrite(
                ctx,
                FHIR_BASE,
                List.of("DiagnosticReport/fcds-report-1/_history/1", "Observation/9/_history/2"),
                200,
                null));
        sameAsHapi(events.fhirWrite(ctx, FHIR_BASE, List.of(), 409, "FCDS-5003"));
        sameAsHapi(events.fhirUpdate(ctx, FHIR_BASE, "Provenance/r-1/_history/4", 201, null));
        sameAsHapi(events.fhirUpdate(ctx, FHIR_BASE, null, 500, "FCDS-5010"));
        sameAsHapi(
            events.dicomRead(
                ctx,
                "http://pacs.example.org/dicom-web",
                "1.2.3",
                "1.2.3.4",
                "1.2.3.4.5",
                true,
                null));
        sameAsHapi(
            events.dicomRead(
                ctx, "http://pacs.example.org/dicom-web", "1.2.3", null, null, false, "FCDS-2004"));
      }
      sameAsHapi(
          events.authenticationFailed(
              "req-9", "192.0.2.1", "/cds-services/x?y=1", "FCDS-7001", 401));
      sameAsHapi(events.authenticationFailed("req-9", null, "/cds-services", "FCDS-7010", 503));
    }
  }

  @Test
  void generatedEventsAreWrittenAsHapiWritesThemOrLeftToHapi() {
    Random random = new Random(20261205);
    TimeZone zone = TimeZone.getDefault();
    int fast = 0;
    int events = 3000;
    try {
      for (int i = 0; i < events; i++) {
        // recorded is written in the JVM's zone: the encoders must agree in any of them
        TimeZone.setDefault(TimeZone.getTimeZone(random.nextBoolean() ? "UTC" : "Asia/Kolkata"));
        AuditEvent e = generated(random);
        String ours = AuditEventJson.encode(e);
        if (ours != null) {
          assertEquals(hapi().encodeResourceToString(e), ours, "event " + i);
          fast++;
        }
      }
    } finally {
      TimeZone.setDefault(zone);
    }
    // the generator's few unusual parts (extensions, an empty list item) go to HAPI; the rest not
    assertTrue(fast > events * 8 / 10, fast + " of " + events + " on the fast path");
  }

  @Test
  void whatOnlyHapiWritesIsLeftToIt() {
    AuditEvents events = new AuditEvents("site-a", Clock.fixed(NOW, ZoneOffset.UTC));
    List<AuditEvent> odd = new ArrayList<>();
    AuditEvent e = events.hookCall(CTX, "s", "patient-view", 200, null);
    e.addExtension("https://example.org/x", new StringType("y"));
    odd.add(e);
    e = events.hookCall(CTX, "s", "patient-view", 200, null);
    e.getType().addExtension("https://example.org/x", new StringType("y"));
    odd.add(e);
    e = events.hookCall(CTX, "s", "patient-view", 200, null);
    e.getOutcomeDescElement().setValue("x").setId("o1");
    odd.add(e);
    e = events.hookCall(CTX, "s", "patient-view", 200, null);
    e.getMeta().addProfile("https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit");
    odd.add(e);
    e = events.hookCall(CTX, "s", "patient-view", 200, null);
    e.getEntityFirstRep().getWhat().setResource(new Patient().setActive(true));
    odd.add(e);
    e = events.hookCall(CTX, "s", "patient-view", 200, null);
    e.setId("AuditEvent/a-1/_history/2");
    odd.add(e);
    e = events.hookCall(CTX, "s", "patient-view", 200, null);
    e.addAgent(new AuditEventAgentComponent()); // an empty item in a list
    odd.add(e);
    for (AuditEvent x : odd) {
      assertNull(AuditEventJson.encode(x), hapi().encodeResourceToString(x));
    }
  }

  @Test
  void theSpoolKeepsAnEventItCannotWriteItselfAsHapiWritesIt() throws Exception {
    java.nio.file.Path folder = java.nio.file.Files.createTempDirectory("fcds-json");
    AuditEvent odd =
        new AuditEvents("site-a", Clock.fixed(NOW, ZoneOffset.UTC))
            .hookCall(CTX, "s", "patient-view", 200, null);
    odd.addExtension("https://example.org/x", new StringType("y"));
    try (AuditSpool spool = new AuditSpool(folder)) {
      spool.append(odd);
      AuditEvent back = spool.oldest(1).get(0).event();
      assertEquals(hapi().encodeResourceToString(odd), hapi().encodeResourceToString(back));
    }
  }

  private static AuditEvent generated(Random r) {
    AuditEvent e = new AuditEvent();
    e.setId(java.util.UUID.randomUUID().toString());
    e.setType(coding(r));
    for (int n = r.nextInt(3); n > 0; n--) {
      e.addSubtype(coding(r));
    }
    if (r.nextBoolean()) {
      e.setAction(AuditEventAction.values()[r.nextInt(5)]);
    }
    if (r.nextInt(8) == 0) {
      e.setPeriod(new Period().setStart(new Date(r.nextInt(1 << 30) * 1000L)));
    }
    e.setRecorded(new Date(1_700_000_000_000L + r.nextInt(1 << 30)));
    if (r.nextBoolean()) {
      e.setOutcome(AuditEventOutcome.values()[r.nextInt(4)]);
    }
    e.setOutcomeDesc(text(r));
    for (int n = r.nextInt(2); n > 0; n--) {
      e.addPurposeOfEvent(concept(r));
    }
    for (int n = r.nextInt(4); n > 0; n--) {
      AuditEventAgentComponent a = e.addAgent();
      a.setType(concept(r));
      if (r.nextInt(4) == 0) {
        a.addRole(concept(r));
      }
      a.setWho(reference(r));
      a.setAltId(text(r));
      a.setName(text(r));
      a.setRequestor(r.nextBoolean());
      if (r.nextInt(6) == 0) {
        a.setLocation(reference(r));
      }
      for (int p = r.nextInt(3); p > 0; p--) {
        a.addPolicy(text(r) + "x");
      }
      if (r.nextInt(6) == 0) {
        a.setMedia(coding(r));
      }
      if (r.nextBoolean()) {
        a.getNetwork().setAddress(text(r));
        if (r.nextBoolean()) {
          a.getNetwork().setType(AuditEventAgentNetworkType.values()[r.nextInt(5)]);
        }
      }
      if (r.nextInt(6) == 0) {
        a.addPurposeOfUse(concept(r));
      }
    }
    e.getSource().setSite(text(r));
    e.getSource().setObserver(reference(r));
    e.getSource().addType(coding(r));
    for (int n = r.nextInt(5); n > 0; n--) {
      AuditEventEntityComponent x = e.addEntity();
      x.setWhat(reference(r));
      x.setType(coding(r));
      if (r.nextBoolean()) {
        x.setRole(coding(r));
      }
      if (r.nextInt(6) == 0) {
        x.setLifecycle(coding(r));
      }
      if (r.nextInt(6) == 0) {
        x.addSecurityLabel(coding(r));
      }
      x.setName(text(r));
      x.setDescription(text(r));
      if (r.nextInt(3) == 0) {
        x.setQuery((text(r) + "q").getBytes(StandardCharsets.UTF_8));
      }
      for (int d = r.nextInt(3); d > 0; d--) {
        x.addDetail()
            .setType(text(r) + "t")
            .setValue(
                r.nextBoolean()
                    ? new StringType(text(r) + "v")
                    : new Base64BinaryType((text(r) + "b").getBytes(StandardCharsets.UTF_8)));
      }
    }
    if (r.nextInt(100) == 0) {
      e.getEntity().add(new AuditEventEntityComponent()); // an empty item: HAPI's to write
    }
    if (r.nextInt(100) == 0) {
      e.getSource().getSiteElement().addExtension("https://example.org/x", new StringType("y"));
    }
    return e;
  }

  private static Coding coding(Random r) {
    Coding c =
        new Coding(
            pick(r, "http://dicom.nema.org/resources/ontology/DCM", text(r)), text(r), text(r));
    if (r.nextInt(10) == 0) {
      c.setVersion(text(r));
    }
    if (r.nextInt(10) == 0) {
      c.setUserSelected(r.nextBoolean());
    }
    return c;
  }

  private static CodeableConcept concept(Random r) {
    CodeableConcept c = new CodeableConcept();
    for (int n = r.nextInt(3); n > 0; n--) {
      c.addCoding(coding(r));
    }
    c.setText(text(r));
    return c;
  }

  private static Reference reference(Random r) {
    Reference ref = new Reference();
    switch (r.nextInt(4)) {
      case 0 ->
          ref.setReference(
              pick(
                  r,
                  "Patient/p-" + r.nextInt(100),
                  "DiagnosticReport/fcds-report-1/_history/" + r.nextInt(9),
                  "https://fhir.example.org/r4/Practitioner/9/_history/2",
                  "urn:uuid:" + java.util.UUID.randomUUID(),
                  "#contained-1",
                  "Patient/",
                  text(r)));
      case 1 -> {
        Identifier i = new Identifier().setSystem(text(r)).setValue(text(r));
        if (r.nextInt(4) == 0) {
          i.setType(concept(r));
        }
        if (r.nextInt(8) == 0) {
          i.setUse(Identifier.IdentifierUse.values()[r.nextInt(5)]);
        }
        if (r.nextInt(8) == 0) {
          i.setPeriod(new Period().setEnd(new Date(r.nextInt(1 << 30) * 1000L)));
        }
        ref.setIdentifier(i);
      }
      case 2 -> ref.setType(pick(r, "Patient", "Device", text(r)));
      default -> {}
    }
    ref.setDisplay(text(r));
    return ref;
  }

  /** Text that is often absent or blank, and holds what JSON must escape or keep as it is. */
  private static String text(Random r) {
    return switch (r.nextInt(6)) {
      case 0 -> null;
      case 1 -> pick(r, "", " ", "\t");
      case 2 -> "plain-" + r.nextInt(1000);
      default -> {
        String alphabet = "aZ09 -_./:?&=%\"\\\n\r\t\u0001\u001f\u007f\u00e9\u00fc\u2028\u4e2d</>'";
        StringBuilder b = new StringBuilder();
        for (int n = 1 + r.nextInt(12); n > 0; n--) {
          b.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        if (r.nextInt(5) == 0) {
          b.append("\ud83e\udec1"); // a character outside the BMP
        }
        yield b.toString();
      }
    };
  }

  @SafeVarargs
  private static <T> T pick(Random r, T... values) {
    return values[r.nextInt(values.length)];
  }
}
