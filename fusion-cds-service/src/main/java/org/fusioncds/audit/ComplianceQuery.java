package org.fusioncds.audit;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compliance query (issue 5, item 6): for each AI report the filter selects, the report, the
 * model (id, version, graph SHA-256), every input version, the caller and the time, read back from
 * a FHIR R4 server: DiagnosticReports carrying a result key ({@code urn:fusion-cds:result-key})
 * with their Provenances ({@code _revinclude}), the Devices those name (read once each), and the
 * write-back AuditEvents (IHE BALP 1.1; {@code AuditEvent?entity=DiagnosticReport/<id>}, several
 * reports per search). AuditEvents are shipped in batches: a report without one yet comes back from
 * its Provenance alone, marked {@code provenance-only}. Sorted by issued time, then report.
 *
 * <p>Errors: FCDS-7092 the server cannot be reached or refuses, FCDS-7093 more reports match than
 * the bound (default {@value #DEFAULT_MAX_REPORTS}; model and caller are filtered after it).
 */
public final class ComplianceQuery {

  /** The most AI reports one query reads (before the model and caller filters). */
  public static final int DEFAULT_MAX_REPORTS = 10_000;

  private static final Logger LOG = LoggerFactory.getLogger(ComplianceQuery.class);

  private final TrailSearch search;
  private final TrailSearch auditSearch;

  public ComplianceQuery(IGenericClient fhir) {
    this(fhir, DEFAULT_MAX_REPORTS);
  }

  /**
   * Reports on {@code fhir}, AuditEvents on {@code auditRepository} (the {@code
   * audit.fhir-base-url} of a deployment whose audit repository is not its FHIR server).
   */
  public ComplianceQuery(IGenericClient fhir, IGenericClient auditRepository) {
    this.search = new TrailSearch(fhir, DEFAULT_MAX_REPORTS, TrailSearch.PAGE_SIZE);
    this.auditSearch = new TrailSearch(auditRepository, DEFAULT_MAX_REPORTS, TrailSearch.PAGE_SIZE);
  }

  public ComplianceQuery(IGenericClient fhir, int maxReports) {
    this(fhir, maxReports, TrailSearch.PAGE_SIZE);
  }

  /** With another page size ({@code _count}), for tests of the paging. */
  ComplianceQuery(IGenericClient fhir, int maxReports, int pageSize) {
    this.search = new TrailSearch(fhir, maxReports, pageSize);
    this.auditSearch = search;
  }

  /** The records the filter selects, oldest issued first. */
  public List<ComplianceRecord> run(ComplianceFilter f) {
    long t0 = System.nanoTime();
    List<Resource> found = search.reports(f);
    List<DiagnosticReport> reports = ofType(found, DiagnosticReport.class);
    List<Provenance> provenances = ofType(found, Provenance.class);
    Map<String, Provenance> provenanceOf = new HashMap<>();
    for (DiagnosticReport r : reports) {
      List<Provenance> p = TrailFacts.provenancesOf(id(r), provenances);
      if (!p.isEmpty()) {
        provenanceOf.put(id(r), p.get(0));
      }
    }
    Map<String, ComplianceRecord.ModelInfo> models = models(provenanceOf.values());
    Map<String, List<AuditEvent>> audits = auditEvents(reports);
    List<ComplianceRecord> records = new ArrayList<>();
    for (DiagnosticReport r : reports) {
      ComplianceRecord rec = record(r, provenanceOf.get(id(r)), models, audits.get(id(r)));
      if (selected(rec, f)) {
        records.add(rec);
      }
    }
    records.sort(
        Comparator.comparing(
                ComplianceRecord::issued, Comparator.nullsLast(Comparator.<Instant>naturalOrder()))
            .thenComparing(ComplianceRecord::report));
    LOG.info(
        "compliance query: {} reports read, {} selected, {} ms",
        reports.size(),
        records.size(),
        (System.nanoTime() - t0) / 1_000_000);
    return records;
  }

  private static boolean selected(ComplianceRecord r, ComplianceFilter f) {
    boolean model =
        f.modelId() == null || (r.model() != null && f.modelId().equals(r.model().id()));
    return model && (f.caller() == null || r.caller().matches(f.caller()));
  }

  /** Each Device named by a Provenance, read once: {@code Device/id} → the model. */
  private Map<String, ComplianceRecord.ModelInfo> models(Iterable<Provenance> provenances) {
    Map<String, ComplianceRecord.ModelInfo> models = new HashMap<>();
    for (Provenance p : provenances) {
      String device = TrailFacts.deviceOf(p);
      if (device != null && !models.containsKey(device)) {
        Device d = search.device(device);
        models.put(
            device,
            d == null
                ? new ComplianceRecord.ModelInfo(null, null, null, null, device)
                : TrailFacts.model(d));
      }
    }
    return models;
  }

  /** The write-back AuditEvents of each report ({@code DiagnosticReport/id}), oldest first. */
  private Map<String, List<AuditEvent>> auditEvents(List<DiagnosticReport> reports) {
    if (reports.isEmpty()) {
      return Map.of();
    }
    List<String> ids = reports.stream().map(ComplianceQuery::id).toList();
    Map<String, AuditEvent> unique = new LinkedHashMap<>();
    for (AuditEvent e : ofType(auditSearch.auditEvents(ids), AuditEvent.class)) {
      if (TrailFacts.isWriteBack(e)) {
        unique.putIfAbsent(TrailFacts.versioned(e), e);
      }
    }
    Map<String, List<AuditEvent>> byReport = new HashMap<>();
    for (AuditEvent e : unique.values()) {
      for (String report : TrailFacts.reportsNamed(e)) {
        byReport.computeIfAbsent(report, k -> new ArrayList<>()).add(e);
      }
    }
    byReport
        .values()
        .forEach(
            list ->
                list.sort(
                    Comparator.comparing(
                        AuditEvent::getRecorded, Comparator.nullsLast(Comparator.naturalOrder()))));
    return byReport;
  }

  private static ComplianceRecord record(
      DiagnosticReport r,
      Provenance p,
      Map<String, ComplianceRecord.ModelInfo> models,
      List<AuditEvent> audits) {
    boolean audited = audits != null && !audits.isEmpty();
    ComplianceRecord.CallerInfo caller =
        audited
            ? TrailFacts.caller(audits)
            : new ComplianceRecord.CallerInfo(
                null, null, p == null ? null : TrailFacts.requester(p), null, null, List.of());
    return new ComplianceRecord(
        TrailFacts.versioned(r),
        r.hasStatus() ? r.getStatus().toCode() : null,
        r.hasIssued() ? r.getIssued().toInstant() : null,
        r.getSubject().getReference(),
        p == null ? null : models.get(TrailFacts.deviceOf(p)),
        p == null ? null : TrailFacts.versioned(p),
        p == null ? List.of() : TrailFacts.inputs(p),
        p == null ? List.of() : TrailFacts.missing(p),
        audited
            ? ComplianceRecord.CallerSource.AUDIT_EVENT
            : ComplianceRecord.CallerSource.PROVENANCE_ONLY,
        caller,
        p == null || !p.hasRecorded() ? null : p.getRecorded().toInstant());
  }

  private static String id(Resource r) {
    return r.fhirType() + "/" + r.getIdElement().getIdPart();
  }

  private static <T extends Resource> List<T> ofType(List<Resource> all, Class<T> type) {
    Map<String, T> unique = new LinkedHashMap<>();
    for (Resource r : all) {
      if (type.isInstance(r)) {
        unique.putIfAbsent(id(r), type.cast(r));
      }
    }
    return new ArrayList<>(unique.values());
  }
}
