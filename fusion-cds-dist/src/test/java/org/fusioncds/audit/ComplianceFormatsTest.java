package org.fusioncds.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

/** The compliance answer as RFC 4180 CSV and as JSON with stable field names. */
class ComplianceFormatsTest {

  private static final String SHA =
      "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

  static ComplianceRecord audited(String hookInstance, String user) {
    return new ComplianceRecord(
        "DiagnosticReport/12/_history/1",
        "preliminary",
        Instant.parse("2026-11-20T08:16:30Z"),
        "Patient/p1",
        new ComplianceRecord.ModelInfo(
            "cap-fusion", "0.1.0", "model.onnx", SHA, "Device/5/_history/1"),
        "Provenance/fcds-abc/_history/1",
        List.of("ImagingStudy/x/_history/1", "Observation/y/_history/2", "urn:oid:1.2.3"),
        List.of("labs:pct"),
        ComplianceRecord.CallerSource.AUDIT_EVENT,
        new ComplianceRecord.CallerInfo(
            "https://ehr.example.org",
            "ehr-client",
            user,
            "jti-1",
            hookInstance,
            List.of("AuditEvent/20/_history/1", "AuditEvent/21/_history/1")),
        Instant.parse("2026-11-20T08:16:31Z"));
  }

  static ComplianceRecord provenanceOnly() {
    return new ComplianceRecord(
        "DiagnosticReport/13/_history/1",
        "preliminary",
        Instant.parse("2026-11-21T10:00:00Z"),
        "Patient/p2",
        null,
        null,
        List.of(),
        List.of(),
        ComplianceRecord.CallerSource.PROVENANCE_ONLY,
        new ComplianceRecord.CallerInfo(null, null, "Practitioner/2", null, null, List.of()),
        null);
  }

  @Test
  void csvHasTheHeaderThenOneCrlfTerminatedRowPerRecord() {
    String csv = ComplianceFormats.csv(List.of(audited("h-1", "Practitioner/1"), provenanceOnly()));

    String[] lines = csv.split("\r\n", -1);
    assertEquals(4, lines.length, csv);
    assertEquals(String.join(",", ComplianceFormats.CSV_HEADER), lines[0]);
    assertEquals(
        "DiagnosticReport/12/_history/1,preliminary,2026-11-20T08:16:30Z,Patient/p1,cap-fusion,"
            + "0.1.0,model.onnx,"
            + SHA
            + ",Device/5/_history/1,Provenance/fcds-abc/_history/1,"
            + "ImagingStudy/x/_history/1;Observation/y/_history/2;urn:oid:1.2.3,labs:pct,"
            + "audit-event,https://ehr.example.org,ehr-client,Practitioner/1,jti-1,h-1,"
            + "AuditEvent/20/_history/1;AuditEvent/21/_history/1,2026-11-20T08:16:31Z",
        lines[1]);
    assertEquals(
        "DiagnosticReport/13/_history/1,preliminary,2026-11-21T10:00:00Z,Patient/p2,,,,,,,,,"
            + "provenance-only,,,Practitioner/2,,,,",
        lines[2]);
    assertEquals("", lines[3]);
  }

  @Test
  void csvQuotesCommasQuotesAndLineBreaks() {
    String hostile = "a,b \"c\"\r\nd\ne";

    String csv = ComplianceFormats.csv(List.of(audited(hostile, "Practitioner/1")));

    assertTrue(csv.contains(",\"a,b \"\"c\"\"\r\nd\ne\","), csv);
  }

  @Test
  void csvReadsBackToTheSameFields() throws IOException {
    List<ComplianceRecord> records =
        List.of(
            audited("a,b \"c\"\r\nd", "Practitioner/x,y"),
            audited("=cmd|' /C calc'!A0", "Practitioner/\"q\""),
            provenanceOnly());

    String csv = ComplianceFormats.csv(records);

    List<CSVRecord> read = new ArrayList<>();
    CSVFormat.RFC4180.builder().setHeader().get().parse(new StringReader(csv)).forEach(read::add);
    assertEquals(3, read.size());
    for (int i = 0; i < records.size(); i++) {
      assertEquals(ComplianceFormats.row(records.get(i)), read.get(i).toList());
    }
  }

  @Test
  void csvOfNoRecordsIsTheHeaderAlone() {
    assertEquals(
        String.join(",", ComplianceFormats.CSV_HEADER) + "\r\n", ComplianceFormats.csv(List.of()));
  }

  @Test
  void jsonHasRecordsAndCountWithStableFieldNames() throws IOException {
    String json =
        ComplianceFormats.json(List.of(audited("h-1", "Practitioner/1"), provenanceOnly()));

    JsonNode root = new ObjectMapper().readTree(json);
    assertEquals(List.of("records", "count"), names(root));
    assertEquals(2, root.get("count").asInt());
    JsonNode first = root.get("records").get(0);
    assertEquals(
        List.of(
            "report",
            "status",
            "issued",
            "patient",
            "model",
            "provenance",
            "inputs",
            "missingInputs",
            "callerSource",
            "caller",
            "recorded"),
        names(first));
    assertEquals(List.of("id", "version", "graph", "sha256", "device"), names(first.get("model")));
    assertEquals(
        List.of("iss", "clientId", "user", "tokenId", "hookInstance", "auditEvents"),
        names(first.get("caller")));
    assertEquals(SHA, first.at("/model/sha256").asText());
    assertEquals("urn:oid:1.2.3", first.at("/inputs/2").asText());
    assertEquals("2026-11-20T08:16:30Z", first.get("issued").asText());
    assertEquals("AuditEvent/21/_history/1", first.at("/caller/auditEvents/1").asText());
  }

  @Test
  void jsonWritesAbsentValuesAsNull() throws IOException {
    JsonNode r =
        new ObjectMapper()
            .readTree(ComplianceFormats.json(List.of(provenanceOnly())))
            .at("/records/0");

    assertTrue(r.get("model").isNull());
    assertTrue(r.get("recorded").isNull());
    assertTrue(r.at("/caller/iss").isNull());
    assertEquals("provenance-only", r.get("callerSource").asText());
    assertEquals("Practitioner/2", r.at("/caller/user").asText());
    assertEquals(0, r.get("inputs").size());
  }

  private static List<String> names(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
