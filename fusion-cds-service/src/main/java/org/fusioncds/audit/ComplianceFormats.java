package org.fusioncds.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * The compliance query's answer as JSON ({@code {"records": [...], "count": n}}, RFC 8259) or CSV
 * (RFC 4180: a header row, one row per report, CRLF line ends, fields with a comma, quote or line
 * break quoted). Field names are stable: the {@code F_*} and {@link #CSV_HEADER} constants. Absent
 * values are JSON {@code null} and empty CSV fields; times are ISO 8601 UTC; in CSV, list fields
 * are joined with {@value #LIST_SEPARATOR}.
 */
public final class ComplianceFormats {

  public static final String LIST_SEPARATOR = ";";

  /** The CSV columns, in order. */
  public static final List<String> CSV_HEADER =
      List.of(
          "report",
          "status",
          "issued",
          "patient",
          "modelId",
          "modelVersion",
          "modelGraph",
          "modelSha256",
          "device",
          "provenance",
          "inputs",
          "missingInputs",
          "callerSource",
          "iss",
          "clientId",
          "user",
          "tokenId",
          "hookInstance",
          "auditEvents",
          "recorded");

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final CSVFormat CSV =
      CSVFormat.RFC4180.builder().setHeader(CSV_HEADER.toArray(String[]::new)).get();

  private ComplianceFormats() {}

  /** {@code {"records": [...], "count": n}}. */
  public static String json(List<ComplianceRecord> records) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode array = root.putArray("records");
    records.forEach(r -> array.add(json(r)));
    root.put("count", records.size());
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of strings always serialises", e);
    }
  }

  /** One record as a JSON object. */
  public static ObjectNode json(ComplianceRecord r) {
    ObjectNode o = JSON.createObjectNode();
    o.put("report", r.report());
    o.put("status", r.status());
    o.put("issued", text(r.issued()));
    o.put("patient", r.patient());
    if (r.model() == null) {
      o.putNull("model");
    } else {
      ObjectNode m = o.putObject("model");
      m.put("id", r.model().id());
      m.put("version", r.model().version());
      m.put("graph", r.model().graph());
      m.put("sha256", r.model().sha256());
      m.put("device", r.model().device());
    }
    o.put("provenance", r.provenance());
    r.inputs().forEach(o.putArray("inputs")::add);
    r.missingInputs().forEach(o.putArray("missingInputs")::add);
    o.put("callerSource", r.callerSource().text());
    ObjectNode c = o.putObject("caller");
    c.put("iss", r.caller().iss());
    c.put("clientId", r.caller().clientId());
    c.put("user", r.caller().user());
    c.put("tokenId", r.caller().tokenId());
    c.put("hookInstance", r.caller().hookInstance());
    r.caller().auditEvents().forEach(c.putArray("auditEvents")::add);
    o.put("recorded", text(r.recorded()));
    return o;
  }

  /** A header row, then one row per record; RFC 4180. */
  public static String csv(List<ComplianceRecord> records) {
    StringBuilder out = new StringBuilder();
    try (CSVPrinter printer = new CSVPrinter(out, CSV)) {
      for (ComplianceRecord r : records) {
        printer.printRecord(row(r));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("a StringBuilder does not fail", e);
    }
    return out.toString();
  }

  /** The CSV fields of one record, in {@link #CSV_HEADER} order; absent values are empty. */
  static List<String> row(ComplianceRecord r) {
    ComplianceRecord.ModelInfo m = r.model();
    ComplianceRecord.CallerInfo c = r.caller();
    List<String> row =
        new ArrayList<>(
            Arrays.asList(
                r.report(),
                r.status(),
                text(r.issued()),
                r.patient(),
                m == null ? null : m.id(),
                m == null ? null : m.version(),
                m == null ? null : m.graph(),
                m == null ? null : m.sha256(),
                m == null ? null : m.device(),
                r.provenance(),
                String.join(LIST_SEPARATOR, r.inputs()),
                String.join(LIST_SEPARATOR, r.missingInputs()),
                r.callerSource().text(),
                c.iss(),
                c.clientId(),
                c.user(),
                c.tokenId(),
                c.hookInstance(),
                String.join(LIST_SEPARATOR, c.auditEvents()),
                text(r.recorded())));
    row.replaceAll(v -> v == null ? "" : v);
    return row;
  }

  private static String text(Instant t) {
    return t == null ? null : t.toString();
  }
}
