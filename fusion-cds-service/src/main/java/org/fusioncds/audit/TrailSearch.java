package org.fusioncds.audit;

import ca.uhn.fhir.model.api.Include;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.api.CacheControlDirective;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.flow.ResultKey;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;

/**
 * The FHIR R4 searches and reads of the compliance query: AI reports with their Provenances ({@code
 * _revinclude}), the model Devices, the write-back AuditEvents; every search follows its {@code
 * next} links up to a bound. Errors: FCDS-7092 the server cannot be reached or refuses (status
 * only: the URLs carry patient ids), FCDS-7093 more matches than the bound.
 */
final class TrailSearch {

  static final int PAGE_SIZE = 100;
  static final int AUDIT_BATCH = 40;

  private final IGenericClient fhir;
  private final int maxReports;
  private final int pageSize;

  TrailSearch(IGenericClient fhir, int maxReports, int pageSize) {
    this.fhir = fhir;
    this.maxReports = maxReports;
    this.pageSize = pageSize;
  }

  /** AI reports (result-key identifier) the filter selects, and the Provenances naming them. */
  List<Resource> reports(ComplianceFilter f) {
    Map<String, List<String>> params = new LinkedHashMap<>();
    params.put("identifier", List.of(ResultKey.SYSTEM + "|"));
    if (f.patientId() != null) {
      params.put("subject", List.of("Patient/" + f.patientId()));
    }
    List<String> issued = new ArrayList<>();
    if (f.from() != null) {
      issued.add("ge" + f.from());
    }
    if (f.to() != null) {
      issued.add("le" + f.to());
    }
    if (!issued.isEmpty()) {
      params.put("issued", issued);
    }
    Bundle first =
        call(
            "DiagnosticReport search",
            () ->
                fhir.search()
                    .forResource("DiagnosticReport")
                    .whereMap(params)
                    .revInclude(new Include("Provenance:target"))
                    .sort(new SortSpec("issued"))
                    .count(pageSize)
                    .cacheControl(new CacheControlDirective().setNoCache(true))
                    .returnBundle(Bundle.class)
                    .execute());
    return all("DiagnosticReport", first, maxReports);
  }

  /** The write-back AuditEvents naming any of these reports ({@code DiagnosticReport/id}). */
  List<Resource> auditEvents(List<String> reports) {
    List<Resource> found = new ArrayList<>();
    for (int i = 0; i < reports.size(); i += AUDIT_BATCH) {
      List<String> batch = reports.subList(i, Math.min(reports.size(), i + AUDIT_BATCH));
      Map<String, List<String>> params = new LinkedHashMap<>();
      params.put("entity", List.of(String.join(",", batch)));
      params.put("subtype", List.of(TrailFacts.RESTFUL_INTERACTION + "|transaction"));
      params.put("action", List.of("C"));
      Bundle first =
          call(
              "AuditEvent search",
              () ->
                  fhir.search()
                      .forResource("AuditEvent")
                      .whereMap(params)
                      .count(pageSize)
                      .cacheControl(new CacheControlDirective().setNoCache(true))
                      .returnBundle(Bundle.class)
                      .execute());
      found.addAll(all("AuditEvent", first, Integer.MAX_VALUE));
    }
    return found;
  }

  /** The Device at {@code Device/id}; null when the server no longer has it (404, 410). */
  Device device(String reference) {
    return call("Device read", () -> readOrNull(reference));
  }

  private Device readOrNull(String reference) {
    try {
      return fhir.read().resource(Device.class).withId(new IdType(reference)).execute();
    } catch (ResourceNotFoundException | ResourceGoneException e) {
      return null;
    }
  }

  /** Every resource of every page; more {@code match} entries than {@code max} is FCDS-7093. */
  private List<Resource> all(String type, Bundle page, int max) {
    List<Resource> resources = new ArrayList<>();
    int matches = 0;
    while (true) {
      for (Bundle.BundleEntryComponent e : page.getEntry()) {
        if (e.getResource() == null) {
          continue;
        }
        resources.add(e.getResource());
        if (e.getResource().fhirType().equals(type) && ++matches > max) {
          throw new FcdsException(
              ErrorCode.COMPLIANCE_TOO_MANY,
              "more than " + max + " AI reports match; narrow the filter — " + max);
        }
      }
      if (page.getLink(Bundle.LINK_NEXT) == null) {
        return resources;
      }
      Bundle current = page;
      page = call(type + " search (next page)", () -> fhir.loadPage().next(current).execute());
    }
  }

  /** Runs one request; failures become FCDS-7092 without the URL or the server's text (PHI). */
  private <T> T call(String step, Supplier<T> request) {
    try {
      return request.get();
    } catch (FhirClientConnectionException e) {
      throw new FcdsException(
          ErrorCode.COMPLIANCE_FHIR_FAILED,
          "the FHIR server cannot be reached ("
              + step
              + ", "
              + rootCause(e)
              + ") — "
              + fhir.getServerBase());
    } catch (BaseServerResponseException e) {
      throw new FcdsException(
          ErrorCode.COMPLIANCE_FHIR_FAILED,
          "the FHIR server refused the " + step + " — HTTP " + e.getStatusCode());
    } catch (DataFormatException e) {
      throw new FcdsException(
          ErrorCode.COMPLIANCE_FHIR_FAILED,
          "the FHIR server's answer to the " + step + " is not FHIR — " + fhir.getServerBase());
    }
  }

  private static String rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName();
  }
}
