package org.fusioncds.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IClientInterceptor;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.IHttpRequest;
import ca.uhn.fhir.rest.client.api.IHttpResponse;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.fusioncds.cli.FusionCdsCommand;
import org.fusioncds.error.FcdsException;
import org.fusioncds.fhir.VersionedReferences;
import org.fusioncds.flow.ReportRequest;
import org.fusioncds.flow.ResultKey;
import org.fusioncds.report.ReportBundleBuilder;
import org.fusioncds.sandbox.FreePorts;
import org.fusioncds.sandbox.SandboxFhirServer;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compliance query against the real sandbox HAPI FHIR JPA server (FHIR R4): four AI results for
 * two patients, two models and four days, written by our own write-back builder as transactions,
 * three with a write-back AuditEvent (IHE BALP shape) and one without (not shipped yet); plus a
 * bulk of {@value #BULK} results in 2025 for the timing. Each filter returns exactly its reports,
 * with the model's SHA-256 and every input version.
 */
class ComplianceQueryIT {

  private static final int BULK = 100;
  private static final WriteBackEvents.Ehr EHR_A =
      new WriteBackEvents.Ehr(
          "https://ehr-a.example.org", "ehr-a-client", "jti-a1", "Practitioner/dr-1", "hook-a1");
  private static final WriteBackEvents.Ehr EHR_B =
      new WriteBackEvents.Ehr(
          "https://ehr-b.example.org", "ehr-b-client", "jti-b1", "Practitioner/dr-2", "hook-b1");
  private static final WriteBackEvents.Ehr EHR_A3 =
      new WriteBackEvents.Ehr(
          "https://ehr-a.example.org", "ehr-a-client", "jti-a3", "Practitioner/dr-3", "hook-a3");

  /** One AI result written to the server: its request, the report and everything written. */
  record Written(ReportRequest request, String report, List<String> locations) {}

  private static SandboxFhirServer server;
  private static IGenericClient client;
  private static final List<String> REQUESTS = new CopyOnWriteArrayList<>();
  private static Written r1;
  private static Written r2;
  private static Written r3;
  private static Written r4;
  private static String orphan;
  private static final List<Written> BULK_RESULTS = new ArrayList<>();
  private static long bulkWriteMs;

  @BeforeAll
  static void startServerAndWriteResults() {
    server = SandboxFhirServer.start(new SandboxFhirServer.Settings(0, true));
    FhirContext fhir = VersionedReferences.keptIn(FhirContext.forR4());
    fhir.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    fhir.getRestfulClientFactory().setSocketTimeout(120_000);
    client = fhir.newRestfulGenericClient(server.baseUrl());
    client.registerInterceptor(new RequestLog());
    ReportRequest.Model capFusion = AiResults.model("cap-fusion", "0.1.0");
    ReportRequest.Model capSepsis = AiResults.model("cap-sepsis", "0.2.0");
    r1 = writeResult("cq-p1", capFusion, "2026-11-20T08:16:30Z", List.of(), "Practitioner/dr-1");
    r2 =
        writeResult(
            "cq-p1", capSepsis, "2026-11-21T09:00:00Z", List.of("labs:pct"), "Practitioner/dr-2");
    r3 = writeResult("cq-p2", capFusion, "2026-11-22T10:00:00Z", List.of(), "Practitioner/dr-3");
    r4 =
        writeResult(
            "cq-p2", capSepsis, "2026-11-23T11:00:00Z", List.of("image"), "Practitioner/dr-2");
    client
        .create()
        .resource(WriteBackEvents.writeBack(EHR_A, r1.locations(), at("2026-11-20T08:16:31Z")))
        .execute();
    client
        .create()
        .resource(WriteBackEvents.writeBack(EHR_B, r2.locations(), at("2026-11-21T09:00:01Z")))
        .execute();
    client
        .create()
        .resource(WriteBackEvents.read(EHR_A, r2.report(), at("2026-11-21T09:30:00Z")))
        .execute();
    client
        .create()
        .resource(WriteBackEvents.writeBack(EHR_A3, r3.locations(), at("2026-11-22T10:00:01Z")))
        .execute();
    orphan = orphanReport();
    humanReport("cq-p1");
    writeBulk();
  }

  /** A report a radiologist wrote (no result key): never in the compliance answer. */
  private static void humanReport(String patientId) {
    DiagnosticReport d = new DiagnosticReport();
    d.addIdentifier().setSystem("urn:oid:1.2.3.4.5").setValue("acc-1");
    d.setStatus(DiagnosticReport.DiagnosticReportStatus.FINAL);
    d.setCode(new CodeableConcept(new Coding("http://loinc.org", "18748-4", null)));
    d.setSubject(new Reference("Patient/" + patientId));
    d.setIssued(Date.from(at("2026-11-20T12:00:00Z")));
    client.create().resource(d).execute();
  }

  /** A report with a result key but no Provenance (written by something else than our builder). */
  private static String orphanReport() {
    DiagnosticReport d = new DiagnosticReport();
    d.addIdentifier().setSystem(ResultKey.SYSTEM).setValue("orphan-key");
    d.setStatus(DiagnosticReport.DiagnosticReportStatus.PRELIMINARY);
    d.setCode(new CodeableConcept(new Coding("http://loinc.org", "18748-4", null)));
    d.setSubject(new Reference("Patient/cq-p3"));
    d.setIssued(Date.from(at("2026-12-01T00:00:00Z")));
    return client.create().resource(d).execute().getId().toUnqualifiedVersionless().getValue();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static void writeBulk() {
    long t0 = System.nanoTime();
    ReportRequest.Model bulkModel = AiResults.model("bulk-model", "1.0.0");
    WriteBackEvents.Ehr bulkEhr =
        new WriteBackEvents.Ehr(
            "https://ehr-bulk.example.org",
            "bulk-client",
            "jti-bulk",
            "Practitioner/bulk",
            "hook-bulk");
    Bundle audits = new Bundle().setType(Bundle.BundleType.BATCH);
    Instant start = at("2025-01-01T00:00:00Z");
    for (int i = 0; i < BULK; i++) {
      Instant issued = start.plusSeconds(3600L * i);
      Written w =
          writeResult("cq-bulk", bulkModel, issued.toString(), List.of(), "Practitioner/bulk");
      BULK_RESULTS.add(w);
      AuditEvent e = WriteBackEvents.writeBack(bulkEhr, w.locations(), issued.plusSeconds(1));
      audits
          .addEntry()
          .setResource(e)
          .getRequest()
          .setMethod(Bundle.HTTPVerb.POST)
          .setUrl("AuditEvent");
    }
    client.transaction().withBundle(audits).execute();
    bulkWriteMs = (System.nanoTime() - t0) / 1_000_000;
  }

  /** Writes the inputs (a study, an Observation at version 2), then the AI result's transaction. */
  private static Written writeResult(
      String patientId,
      ReportRequest.Model model,
      String issued,
      List<String> missing,
      String user) {
    client.update().resource(new Patient().setActive(true).setId("Patient/" + patientId)).execute();
    String study =
        create(
            new ImagingStudy()
                .setStatus(ImagingStudy.ImagingStudyStatus.AVAILABLE)
                .setSubject(new Reference("Patient/" + patientId)));
    Observation crp = crp(patientId, 12);
    IIdType crpId = client.create().resource(crp).execute().getId();
    crp.setValue(new Quantity(15).setUnit("mg/L")).setId(crpId.toUnqualifiedVersionless());
    String crpV2 = client.update().resource(crp).execute().getId().toUnqualified().getValue();
    String uid = "urn:oid:1.2.826.0.1.3680043.8.498." + Math.abs((patientId + issued).hashCode());
    List<String> inputs = List.of(study, crpV2, uid);
    ReportRequest request =
        AiResults.request(patientId, model, at(issued), study, inputs, missing, user);
    Bundle response = client.transaction().withBundle(ReportBundleBuilder.build(request)).execute();
    List<String> locations = new ArrayList<>();
    String report = null;
    for (Bundle.BundleEntryComponent e : response.getEntry()) {
      String location = new IdType(e.getResponse().getLocation()).toUnqualified().getValue();
      locations.add(location);
      if (location.startsWith("DiagnosticReport/")) {
        report = new IdType(location).toUnqualifiedVersionless().getValue();
      }
    }
    assertNotNull(report, "the transaction wrote a DiagnosticReport");
    return new Written(request, report, locations);
  }

  private static String create(org.hl7.fhir.r4.model.Resource r) {
    return client.create().resource(r).execute().getId().toUnqualified().getValue();
  }

  private static Observation crp(String patientId, double value) {
    Observation o = new Observation();
    o.setStatus(Observation.ObservationStatus.FINAL);
    o.setCode(new CodeableConcept(new Coding("http://loinc.org", "1988-5", "CRP")));
    o.setSubject(new Reference("Patient/" + patientId));
    o.setEffective(new org.hl7.fhir.r4.model.DateTimeType(new Date()));
    o.setValue(new Quantity(value).setUnit("mg/L"));
    return o;
  }

  private static Instant at(String t) {
    return Instant.parse(t);
  }

  private static List<ComplianceRecord> run(ComplianceFilter f) {
    return new ComplianceQuery(client).run(f);
  }

  private static List<String> reports(List<ComplianceRecord> records) {
    return records.stream()
        .map(r -> new IdType(r.report()).toUnqualifiedVersionless().getValue())
        .toList();
  }

  private static ComplianceFilter filter(
      String patient, String model, String from, String to, String caller) {
    return ComplianceFilter.parse(patient, model, from, to, caller);
  }

  @Test
  void patientFilterReturnsThatPatientsReportsWithModelHashAndEveryInputVersion() {
    List<ComplianceRecord> records = run(filter("cq-p1", null, null, null, null));

    assertEquals(List.of(r1.report(), r2.report()), reports(records));
    assertRecordMatches(r1, records.get(0));
    assertRecordMatches(r2, records.get(1));
    ComplianceRecord.CallerInfo c = records.get(0).caller();
    assertEquals(ComplianceRecord.CallerSource.AUDIT_EVENT, records.get(0).callerSource());
    assertEquals(
        List.of(
            "https://ehr-a.example.org", "ehr-a-client", "Practitioner/dr-1", "jti-a1", "hook-a1"),
        List.of(c.iss(), c.clientId(), c.user(), c.tokenId(), c.hookInstance()));
    assertEquals(1, c.auditEvents().size(), c.auditEvents().toString());
    assertEquals("Practitioner/dr-2", records.get(1).caller().user());
    assertEquals(1, records.get(1).caller().auditEvents().size(), "the read is not the write-back");
  }

  @Test
  void modelFilterReturnsOnlyThatModelsReports() {
    List<ComplianceRecord> records = run(filter(null, "cap-fusion", null, null, null));

    assertEquals(List.of(r1.report(), r3.report()), reports(records));
    records.forEach(r -> assertEquals(AiResults.sha256("cap-fusion"), r.model().sha256()));
  }

  @Test
  void fromToBoundIssuedInclusively() {
    List<ComplianceRecord> records =
        run(filter(null, null, "2026-11-21", "2026-11-22T10:00:00Z", null));

    assertEquals(List.of(r2.report(), r3.report()), reports(records));
  }

  @Test
  void callerByIssuerIgnoresReadsOfTheReport() {
    List<ComplianceRecord> records =
        run(filter(null, null, null, null, "https://ehr-a.example.org"));

    assertEquals(List.of(r1.report(), r3.report()), reports(records));
    assertEquals("jti-a1", records.get(0).caller().tokenId());
    assertEquals("hook-a3", records.get(1).caller().hookInstance());
  }

  @Test
  void callerByClientId() {
    assertEquals(
        List.of(r2.report()), reports(run(filter(null, null, null, null, "ehr-b-client"))));
  }

  @Test
  void callerByUserFindsAuditedAndProvenanceOnlyReports() {
    List<ComplianceRecord> records = run(filter(null, null, null, null, "Practitioner/dr-2"));

    assertEquals(List.of(r2.report(), r4.report()), reports(records));
    assertEquals(ComplianceRecord.CallerSource.AUDIT_EVENT, records.get(0).callerSource());
    assertEquals(ComplianceRecord.CallerSource.PROVENANCE_ONLY, records.get(1).callerSource());
  }

  @Test
  void reportWithoutAuditEventComesFromProvenanceAlone() {
    List<ComplianceRecord> records = run(filter("cq-p2", "cap-sepsis", null, null, null));

    assertEquals(1, records.size());
    ComplianceRecord r = records.get(0);
    assertEquals(ComplianceRecord.CallerSource.PROVENANCE_ONLY, r.callerSource());
    assertEquals(
        new ComplianceRecord.CallerInfo(null, null, "Practitioner/dr-2", null, null, List.of()),
        r.caller());
    assertRecordMatches(r4, r);
  }

  @Test
  void reportWithoutProvenanceIsListedWithoutModelOrInputs() {
    List<ComplianceRecord> records = run(filter("cq-p3", null, null, null, null));

    assertEquals(List.of(orphan), reports(records));
    ComplianceRecord r = records.get(0);
    assertNull(r.model());
    assertNull(r.provenance());
    assertEquals(List.of(), r.inputs());
    assertEquals(ComplianceRecord.CallerSource.PROVENANCE_ONLY, r.callerSource());
    assertNull(r.caller().user());
    assertTrue(run(filter("cq-p3", "cap-fusion", null, null, null)).isEmpty());
  }

  @Test
  void noFilterReturnsEveryReportOldestFirstReadingEachDeviceOnce() {
    REQUESTS.clear();
    List<ComplianceRecord> records = run(ComplianceFilter.all());

    List<String> expected = new ArrayList<>(BULK_RESULTS.stream().map(Written::report).toList());
    expected.addAll(List.of(r1.report(), r2.report(), r3.report(), r4.report(), orphan));
    assertEquals(expected, reports(records));
    assertEquals(
        3, REQUESTS.stream().filter(u -> u.contains("/Device/")).count(), REQUESTS.toString());
    assertEquals(
        (BULK + 5 + TrailSearch.AUDIT_BATCH - 1) / TrailSearch.AUDIT_BATCH,
        REQUESTS.stream().filter(u -> u.contains("/AuditEvent?")).count());
  }

  @Test
  void pagesAreFollowedAndTheBoundIsKept() {
    ComplianceFilter p1 = filter("cq-p1", null, null, null, null);

    List<ComplianceRecord> paged = new ComplianceQuery(client, 10, 1).run(p1);
    FcdsException e =
        assertThrows(FcdsException.class, () -> new ComplianceQuery(client, 1, 1).run(p1));

    assertEquals(run(p1), paged);
    assertEquals(7093, e.code());
  }

  @Test
  void unreachableServerIsCoded() {
    IGenericClient nowhere =
        client
            .getFhirContext()
            .newRestfulGenericClient("http://127.0.0.1:" + FreePorts.find() + "/fhir");

    FcdsException e =
        assertThrows(
            FcdsException.class,
            () -> new ComplianceQuery(nowhere).run(filter("cq-p1", null, null, null, null)));

    assertEquals(7092, e.code());
    assertTrue(!e.getMessage().contains("cq-p1"), e.getMessage());
  }

  @Test
  void queryTimeForAllReports() {
    run(ComplianceFilter.all());
    long t0 = System.nanoTime();
    List<ComplianceRecord> all = run(ComplianceFilter.all());
    long ms = (System.nanoTime() - t0) / 1_000_000;
    long t1 = System.nanoTime();
    List<ComplianceRecord> one = run(filter("cq-p2", null, null, null, null));
    long oneMs = (System.nanoTime() - t1) / 1_000_000;

    System.out.printf(
        "compliance query: %d reports in %d ms (%.1f ms per report); 2 reports in %d ms;"
            + " writing %d results + AuditEvents took %d ms%n",
        all.size(), ms, (double) ms / all.size(), oneMs, BULK, bulkWriteMs);
    assertEquals(BULK + 5, all.size());
    assertEquals(2, one.size());
  }

  @Test
  void cliWritesTheSameRecordsAsCsvAndJson(@TempDir Path tmp) throws Exception {
    ComplianceFilter f = filter("cq-p1", null, null, null, null);
    String expectedCsv = ComplianceFormats.csv(run(f));
    String expectedJson = ComplianceFormats.json(run(f));

    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int csvExit =
        FusionCdsCommand.run(
            new PrintWriter(out),
            new PrintWriter(err),
            "audit",
            "--fhir",
            server.baseUrl(),
            "--patient",
            "cq-p1",
            "--format",
            "csv");
    Path json = tmp.resolve("audit.json");
    StringWriter out2 = new StringWriter();
    int jsonExit =
        FusionCdsCommand.run(
            new PrintWriter(out2),
            new PrintWriter(err),
            "audit",
            "--fhir",
            server.baseUrl(),
            "--patient",
            "Patient/cq-p1",
            "--out",
            json.toString());

    assertEquals(0, csvExit, err.toString());
    assertEquals(expectedCsv, out.toString());
    assertEquals(0, jsonExit, err.toString());
    assertEquals(expectedJson, Files.readString(json, StandardCharsets.UTF_8));
    assertEquals(
        "{\"count\":2,\"out\":\"" + json + "\"}" + System.lineSeparator(), out2.toString());
    assertEquals("", err.toString());
  }

  @Test
  void cliRefusesABadDateWithItsCode() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    int exit =
        FusionCdsCommand.run(
            new PrintWriter(out),
            new PrintWriter(err),
            "audit",
            "--fhir",
            server.baseUrl(),
            "--from",
            "2026-11-31");

    assertEquals(FusionCdsCommand.EXIT_FAILURE, exit);
    assertEquals("", out.toString());
    assertTrue(err.toString().startsWith("FCDS-7091: from is not a FHIR dateTime"), err.toString());
  }

  @Test
  void cliCodesAnOutputFileItCannotWrite(@TempDir Path tmp) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Path missingFolder = tmp.resolve("no-such-folder").resolve("audit.csv");

    int exit =
        FusionCdsCommand.run(
            new PrintWriter(out),
            new PrintWriter(err),
            "audit",
            "--fhir",
            server.baseUrl(),
            "--format",
            "csv",
            "--out",
            missingFolder.toString());

    assertEquals(FusionCdsCommand.EXIT_FAILURE, exit);
    assertEquals("", out.toString());
    assertTrue(
        err.toString().startsWith("FCDS-7094: cannot write the audit output — " + missingFolder),
        err.toString());
  }

  private static void assertRecordMatches(Written w, ComplianceRecord r) {
    ReportRequest q = w.request();
    assertEquals(w.report(), new IdType(r.report()).toUnqualifiedVersionless().getValue());
    assertTrue(r.report().endsWith("/_history/1"), r.report());
    assertEquals("preliminary", r.status());
    assertEquals(q.issued(), r.issued());
    assertEquals("Patient/" + q.patientId(), r.patient());
    assertEquals(q.model().id(), r.model().id());
    assertEquals(q.model().version(), r.model().version());
    assertEquals(q.model().graph(), r.model().graph());
    assertEquals(q.model().sha256(), r.model().sha256());
    assertTrue(r.model().device().matches("Device/[^/]+/_history/1"), r.model().device());
    assertEquals(q.inputs(), r.inputs());
    assertTrue(r.inputs().get(1).endsWith("/_history/2"), r.inputs().toString());
    assertEquals(q.missing(), r.missingInputs());
    assertEquals(q.issued(), r.recorded());
    assertTrue(r.provenance().startsWith("Provenance/fcds-"), r.provenance());
  }

  /** Every request URL the test client sends. */
  static final class RequestLog implements IClientInterceptor {
    @Override
    public void interceptRequest(IHttpRequest request) {
      REQUESTS.add(request.getUri());
    }

    @Override
    public void interceptResponse(IHttpResponse response) {}
  }
}
