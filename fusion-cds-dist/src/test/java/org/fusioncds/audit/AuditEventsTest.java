package org.fusioncds.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.fusioncds.error.FcdsException;
import org.fusioncds.flow.AuditContext;
import org.fusioncds.security.Caller;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventEntityComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.hl7.fhir.r4.model.Coding;
import org.junit.jupiter.api.Test;

class AuditEventsTest {

  private static final Instant NOW = Instant.parse("2026-11-30T10:15:30Z");
  private static final AuditEvents EVENTS =
      new AuditEvents("site-a", Clock.fixed(NOW, ZoneOffset.UTC));
  static final Caller CALLER =
      new Caller(
          "https://ehr.example.org",
          "ehr-client",
          "ehr-app",
          "jti-7f3a",
          null,
          NOW.plusSeconds(300),
          Set.of());
  static final AuditContext CTX =
      new AuditContext("req-42", "hook-1b2c", CALLER, "10.1.2.3", "p-77", "Practitioner/pr-9");
  static final AuditContext BARE = new AuditContext("req-43", null, null, null, null, null);
  private static final String FHIR = "https://fhir.example.org:8443/r4";
  private static final String PACS = "http://pacs.example.org/dicom-web";

  @Test
  void hookCallRecordsCallerUserAndFusionCdsAsDestination() {
    AuditEvent e = EVENTS.hookCall(CTX, "cxr-fusion", "patient-view", 200, null);

    assertCoding(e.getType(), BalpCodes.AUDIT_EVENT_TYPE, "rest");
    assertCoding(e.getSubtype().get(0), BalpCodes.RESTFUL_INTERACTION, "operation");
    assertCoding(e.getSubtype().get(1), BalpCodes.CDS_HOOK_SYSTEM, "patient-view");
    assertEquals(AuditEventAction.E, e.getAction());
    assertEquals(AuditEventOutcome._0, e.getOutcome());
    assertEquals(3, e.getAgent().size());
    assertCallerAgent(agent(e, BalpCodes.DCM, "110150"));
    assertUserAgent(agent(e, BalpCodes.ROLE_CLASS, "PROV"));
    assertSelf(agent(e, BalpCodes.DCM, "110152"));
    AuditEventEntityComponent service = entityByIdentifier(e, BalpCodes.CDS_SERVICE_SYSTEM);
    assertEquals("cxr-fusion", service.getWhat().getIdentifier().getValue());
    assertPatientAndTransaction(e, "req-42", "hook-1b2c");
  }

  @Test
  void hookCallOutcomeFollowsTheStatusAndCarriesTheCode() {
    Map<Integer, AuditEventOutcome> expected =
        Map.of(200, AuditEventOutcome._0, 401, AuditEventOutcome._4, 503, AuditEventOutcome._8);
    expected.forEach(
        (status, outcome) -> {
          AuditEvent e = EVENTS.hookCall(CTX, "cxr-fusion", "patient-view", status, "FCDS-1003");
          assertEquals(outcome, e.getOutcome(), "status " + status);
          assertEquals("FCDS-1003", e.getOutcomeDesc());
        });
  }

  @Test
  void apiCallWithAQueryStringKeepsTheRawQueryInBase64() {
    String path = "/admin/audit?patient=p-77&from=2026-11-01";

    AuditEvent e = EVENTS.apiCall(CTX, path, 200, null);

    assertCoding(e.getSubtype().get(0), BalpCodes.RESTFUL_INTERACTION, "search");
    assertEquals(AuditEventAction.E, e.getAction());
    AuditEventEntityComponent query = entity(e, BalpCodes.OBJECT_ROLE, "24");
    assertArrayEquals(path.getBytes(StandardCharsets.UTF_8), query.getQuery());
    assertSelf(agent(e, BalpCodes.DCM, "110152"));
  }

  @Test
  void apiCallKeepsNoSecretOfTheQueryOnlyItsName() {
    String callback = "/app/callback?code=SplxlOBeZQ&state=af0ifjsldkj&iss=https%3A%2F%2Fsso";
    String launch = "/app/launch?iss=https%3A%2F%2Ffhir&LAUNCH=eyJhbGci.eyJ.sig&Code=x&codes=1";

    String kept =
        new String(
            EVENTS.apiCall(CTX, callback, 400, "FCDS-1203").getEntity().stream()
                .filter(x -> x.hasQuery())
                .findFirst()
                .orElseThrow()
                .getQuery(),
            StandardCharsets.UTF_8);
    String keptLaunch =
        new String(
            EVENTS.apiCall(CTX, launch, 303, null).getEntity().stream()
                .filter(x -> x.hasQuery())
                .findFirst()
                .orElseThrow()
                .getQuery(),
            StandardCharsets.UTF_8);

    assertEquals("/app/callback?code=redacted&state=redacted&iss=https%3A%2F%2Fsso", kept);
    assertEquals(
        "/app/launch?iss=https%3A%2F%2Ffhir&LAUNCH=redacted&Code=redacted&codes=1", keptLaunch);
  }

  @Test
  void apiCallWithoutQueryIsAnOperationOnThePath() {
    AuditEvent e = EVENTS.apiCall(BARE, "/admin/models/reload", 403, "FCDS-7042");

    assertCoding(e.getSubtype().get(0), BalpCodes.RESTFUL_INTERACTION, "operation");
    assertEquals(AuditEventOutcome._4, e.getOutcome());
    assertEquals("FCDS-7042", e.getOutcomeDesc());
    assertTrue(
        e.getEntity().stream().anyMatch(x -> "/admin/models/reload".equals(x.getDescription())));
  }

  @Test
  void refusedAuthenticationKeepsTheReasonAndNoTokenContent() {
    AuditEvent e =
        EVENTS.authenticationFailed("req-9", "10.9.9.9", "/cds-services/x?a=b", "FCDS-7003", 401);
    AuditEvent down =
        EVENTS.authenticationFailed("req-10", "10.9.9.9", "/cds-services", "FCDS-7010", 503);

    assertCoding(e.getType(), BalpCodes.DCM, "110114");
    assertCoding(e.getSubtype().get(0), BalpCodes.DCM, "110122");
    assertEquals(AuditEventAction.E, e.getAction());
    assertEquals(AuditEventOutcome._4, e.getOutcome());
    assertEquals(AuditEventOutcome._8, down.getOutcome());
    assertEquals("FCDS-7003", e.getOutcomeDesc());
    AuditEventAgentComponent client = agent(e, BalpCodes.DCM, "110150");
    assertFalse(client.getWho().hasIdentifier());
    assertFalse(client.hasPolicy());
    assertFalse(client.hasAltId());
    assertEquals("10.9.9.9", client.getNetwork().getAddress());
    assertTrue(e.getEntity().stream().anyMatch(x -> "/cds-services/x".equals(x.getDescription())));
    assertEquals("req-9", transaction(e).getWhat().getIdentifier().getValue());
  }

  @Test
  void fhirReadOfOneResourceIsActionRWithTheResourceAsEntity() {
    AuditEvent read = EVENTS.fhirRead(CTX, FHIR, "GET", "Observation/o-5?_format=json", 200);
    AuditEvent vread = EVENTS.fhirRead(CTX, FHIR, "GET", "Observation/o-5/_history/3", 200);

    assertCoding(read.getSubtype().get(0), BalpCodes.RESTFUL_INTERACTION, "read");
    assertEquals(AuditEventAction.R, read.getAction());
    assertEquals(
        "Observation/o-5", entity(read, BalpCodes.OBJECT_ROLE, "4").getWhat().getReference());
    assertCoding(vread.getSubtype().get(0), BalpCodes.RESTFUL_INTERACTION, "vread");
    assertEquals(
        "Observation/o-5/_history/3",
        entity(vread, BalpCodes.OBJECT_ROLE, "4").getWhat().getReference());
    assertSelf(agent(read, BalpCodes.DCM, "110153"));
    AuditEventAgentComponent server = agent(read, BalpCodes.DCM, "110152");
    assertEquals("fhir.example.org", server.getNetwork().getAddress());
    assertEquals("1", server.getNetwork().getType().toCode());
    assertEquals(FHIR, server.getWho().getDisplay());
    assertFalse(server.getRequestor());
    assertCallerAgent(agent(read, BalpCodes.DCM, "110150"));
    assertPatientAndTransaction(read, "req-42", "hook-1b2c");
  }

  @Test
  void fhirSearchIsActionEWithTheRawQueryInBase64() {
    String url = "Observation?patient=p-77&code=http://loinc.org|6690-2&_sort=-date";

    AuditEvent e = EVENTS.fhirRead(CTX, FHIR, "GET", url, 200);

    assertCoding(e.getSubtype().get(0), BalpCodes.RESTFUL_INTERACTION, "search-type");
    assertEquals(AuditEventAction.E, e.getAction());
    AuditEventEntityComponent query = entity(e, BalpCodes.OBJECT_ROLE, "24");
    assertEquals(url, new String(query.getQuery(), StandardCharsets.UTF_8));
    assertFalse(query.hasWhat());
  }

  @Test
  void fhirReadFailureGetsOutcome4Or8AndTheStatus() {
    AuditEvent missing = EVENTS.fhirRead(CTX, FHIR, "GET", "Patient/p-77", 404);
    AuditEvent down = EVENTS.fhirRead(CTX, FHIR, "GET", "Patient/p-77", 0);

    assertEquals(AuditEventOutcome._4, missing.getOutcome());
    assertEquals("HTTP 404", missing.getOutcomeDesc());
    assertEquals(AuditEventOutcome._8, down.getOutcome());
  }

  @Test
  void aBatchOfReadsIsOneQueryEventNamingEachReadAndEachSearch() {
    List<String> urls =
        List.of(
            "DiagnosticReport?identifier=urn%3Afusion-cds%3Aresult-key%7Cab&_elements=status",
            "Patient/p-77", "Condition?patient=p-77&_count=200&_elements=id,meta");

    AuditEvent ok = EVENTS.fhirBatchRead(CTX, FHIR, urls, 200);
    AuditEvent down = EVENTS.fhirBatchRead(CTX, FHIR, urls, 0);

    assertCoding(ok.getSubtype().get(0), BalpCodes.RESTFUL_INTERACTION, "batch");
    assertEquals(AuditEventAction.E, ok.getAction());
    assertEquals(AuditEventOutcome._0, ok.getOutcome());
    List<String> queries =
        ok.getEntity().stream()
            .filter(AuditEventEntityComponent::hasQuery)
            .map(q -> new String(q.getQuery(), StandardCharsets.UTF_8))
            .toList();
    assertEquals(List.of(urls.get(0), urls.get(2)), queries);
    assertTrue(
        ok.getEntity().stream().anyMatch(x -> "Patient/p-77".equals(x.getWhat().getReference())));
    assertEquals(AuditEventOutcome._8, down.getOutcome());
    assertEquals("no answer", down.getOutcomeDesc());
  }

  @Test
  void fhirReadRefusesAWrite() {
    FcdsException e =
        assertThrows(FcdsException.class, () -> EVENTS.fhirRead(CTX, FHIR, "POST", "", 200));
    assertEquals(7076, e.code());
  }

  @Test
  void fhirWriteNamesEveryWrittenVersionExactly() {
    List<String> written =
        List.of(
            "DiagnosticReport/12/_history/1",
            "Observation/13/_history/1",
            "Provenance/14/_history/1");

    AuditEvent e = EVENTS.fhirWrite(CTX, FHIR, written, 200, null);

    assertCoding(e.getSubtype().get(0), BalpCodes.RESTFUL_INTERACTION, "transaction");
    assertEquals(AuditEventAction.C, e.getAction());
    assertEquals(AuditEventOutcome._0, e.getOutcome());
    List<String> refs =
        e.getEntity().stream()
            .filter(x -> x.getRole().getCode() != null && x.getRole().getCode().equals("4"))
            .map(x -> x.getWhat().getReference())
            .toList();
    assertEquals(written, refs);
    assertPatientAndTransaction(e, "req-42", "hook-1b2c");
  }

  @Test
  void aDicomReadRefusedBeforeAnyConnectionNamesNoServer() {
    AuditEvent refused = EVENTS.dicomRead(CTX, null, "1.2.3", "1.2.3.4", null, false, "FCDS-7031");

    AuditEventAgentComponent server = agent(refused, BalpCodes.DCM, "110152");
    assertEquals("none: refused before connecting", server.getWho().getDisplay());
    assertFalse(server.hasNetwork());
    assertEquals("FCDS-7031", refused.getOutcomeDesc());
  }

  @Test
  void dicomReadNamesTheStudyByItsInstanceUid() {
    AuditEvent e = EVENTS.dicomRead(CTX, PACS, "1.2.3", "1.2.3.4", null, true, null);
    AuditEvent failed = EVENTS.dicomRead(CTX, PACS, "1.2.3", null, null, false, "FCDS-2101");

    assertCoding(e.getType(), BalpCodes.DCM, "110103");
    assertEquals(AuditEventAction.R, e.getAction());
    AuditEventEntityComponent study = entity(e, BalpCodes.OBJECT_ROLE, "3");
    assertEquals("1.2.3", study.getWhat().getIdentifier().getValue());
    assertCoding(
        study.getWhat().getIdentifier().getType().getCodingFirstRep(), BalpCodes.DCM, "110180");
    assertEquals("1.2.3.4", study.getDetailFirstRep().getValueStringType().getValue());
    assertEquals(1, study.getDetail().size());
    assertEquals("pacs.example.org", agent(e, BalpCodes.DCM, "110152").getNetwork().getAddress());
    assertEquals(AuditEventOutcome._8, failed.getOutcome());
    assertEquals("FCDS-2101", failed.getOutcomeDesc());
  }

  @Test
  void everyEventHasItsOwnIdTheTimeAndFusionCdsAtTheSiteAsSource() {
    AuditEvent a = EVENTS.fhirRead(BARE, FHIR, "GET", "Patient/1", 200);
    AuditEvent b = EVENTS.fhirRead(BARE, FHIR, "GET", "Patient/1", 200);

    assertNotEquals(a.getIdElement().getIdPart(), b.getIdElement().getIdPart());
    UUID.fromString(a.getIdElement().getIdPart());
    assertEquals(NOW, a.getRecorded().toInstant());
    assertEquals("site-a", a.getSource().getSite());
    assertEquals("fusion-cds", a.getSource().getObserver().getDisplay());
  }

  @Test
  void withoutCallerOrUserOnlyFusionCdsAndTheServerAreAgents() {
    AuditEvent e = EVENTS.fhirRead(BARE, FHIR, "GET", "Patient/1", 200);

    assertEquals(2, e.getAgent().size());
    assertTrue(e.getAgent().stream().noneMatch(AuditEventAgentComponent::getRequestor));
    assertTrue(e.getEntity().stream().noneMatch(x -> x.getType().getCode().equals("1")));
  }

  @Test
  void everyEventValidatesAgainstBaseR4() {
    List<AuditEvent> all =
        List.of(
            EVENTS.hookCall(CTX, "cxr-fusion", "patient-view", 200, null),
            EVENTS.hookCall(BARE, "cxr-fusion", "order-select", 500, "FCDS-1099"),
            EVENTS.apiCall(CTX, "/admin/audit?patient=p-77", 200, null),
            EVENTS.apiCall(BARE, "/admin/models", 403, "FCDS-7042"),
            EVENTS.authenticationFailed("req-9", "10.9.9.9", "/cds-services/x", "FCDS-7003", 401),
            EVENTS.authenticationFailed("req-9", null, "/cds-services", "FCDS-7010", 503),
            EVENTS.fhirRead(CTX, FHIR, "GET", "Observation/o-5/_history/3", 200),
            EVENTS.fhirRead(CTX, FHIR, "GET", "Observation?patient=p-77", 200),
            EVENTS.fhirRead(CTX, FHIR, "GET", "?_getpages=abc&_getpagesoffset=20", 502),
            EVENTS.fhirWrite(CTX, FHIR, List.of("DiagnosticReport/12/_history/1"), 200, null),
            EVENTS.fhirWrite(CTX, FHIR, List.of(), 412, "FCDS-6201"),
            EVENTS.dicomRead(CTX, PACS, "1.2.3", "1.2.3.4", "1.2.3.4.5", true, null));

    for (AuditEvent e : all) {
      assertEquals(
          List.of(),
          BaseR4Validator.errors(e),
          e.getType().getCode() + " " + e.getSubtypeFirstRep().getCode());
    }
  }

  // --- helpers ---

  private static void assertCoding(Coding c, String system, String code) {
    assertEquals(system, c.getSystem());
    assertEquals(code, c.getCode());
  }

  private static void assertCallerAgent(AuditEventAgentComponent a) {
    assertEquals("https://ehr.example.org", a.getWho().getIdentifier().getSystem());
    assertEquals("ehr-client", a.getWho().getIdentifier().getValue());
    assertEquals("ehr-app", a.getAltId());
    assertTrue(a.getRequestor());
    assertEquals("jti-7f3a", a.getPolicy().get(0).getValue());
    assertEquals("10.1.2.3", a.getNetwork().getAddress());
    assertEquals("2", a.getNetwork().getType().toCode());
  }

  private static void assertUserAgent(AuditEventAgentComponent a) {
    assertEquals("Practitioner/pr-9", a.getWho().getReference());
    assertTrue(a.getRequestor());
  }

  private static void assertSelf(AuditEventAgentComponent a) {
    assertEquals("fusion-cds", a.getWho().getDisplay());
    assertFalse(a.getRequestor());
  }

  private static void assertPatientAndTransaction(AuditEvent e, String requestId, String hook) {
    AuditEventEntityComponent patient = entity(e, BalpCodes.OBJECT_ROLE, "1");
    assertEquals("Patient/p-77", patient.getWhat().getReference());
    assertCoding(patient.getType(), BalpCodes.AUDIT_ENTITY_TYPE, "1");
    AuditEventEntityComponent tx = transaction(e);
    assertEquals(requestId, tx.getWhat().getIdentifier().getValue());
    assertCoding(
        tx.getWhat().getIdentifier().getType().getCodingFirstRep(),
        BalpCodes.BALP_ENTITY_TYPE,
        "XrequestId");
    AuditEventEntityComponent instance = entityByIdentifier(e, BalpCodes.HOOK_INSTANCE_SYSTEM);
    assertEquals(hook, instance.getWhat().getIdentifier().getValue());
  }

  private static AuditEventAgentComponent agent(AuditEvent e, String system, String code) {
    List<AuditEventAgentComponent> found =
        e.getAgent().stream().filter(a -> a.getType().hasCoding(system, code)).toList();
    assertEquals(1, found.size(), "agents of type " + code);
    return found.get(0);
  }

  private static AuditEventEntityComponent entity(AuditEvent e, String system, String roleCode) {
    List<AuditEventEntityComponent> found =
        e.getEntity().stream()
            .filter(
                x ->
                    system.equals(x.getRole().getSystem())
                        && roleCode.equals(x.getRole().getCode()))
            .toList();
    assertEquals(1, found.size(), "entities of role " + roleCode);
    return found.get(0);
  }

  private static AuditEventEntityComponent transaction(AuditEvent e) {
    List<AuditEventEntityComponent> found =
        e.getEntity().stream()
            .filter(x -> BalpCodes.BALP_ENTITY_TYPE.equals(x.getType().getSystem()))
            .toList();
    assertEquals(1, found.size(), "transaction entities");
    assertNull(found.get(0).getRole().getCode());
    return found.get(0);
  }

  private static AuditEventEntityComponent entityByIdentifier(AuditEvent e, String system) {
    return e.getEntity().stream()
        .filter(x -> system.equals(x.getWhat().getIdentifier().getSystem()))
        .findFirst()
        .orElseThrow();
  }
}
