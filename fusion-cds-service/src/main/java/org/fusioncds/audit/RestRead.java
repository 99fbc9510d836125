package org.fusioncds.audit;

import java.util.Arrays;
import java.util.List;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;

/**
 * What a FHIR R4 RESTful GET is (FHIR R4 §3.1.0 RESTful API), as the BALP Read and Query profiles
 * record it: its {@code restful-interaction} code, its action, the resource it names (read, vread,
 * history of one resource) or the raw query it sent (search, paging, operations).
 *
 * @param subtype a code of {@code http://hl7.org/fhir/restful-interaction}
 * @param action R for read and vread, E for everything else
 * @param reference {@code Type/id} or {@code Type/id/_history/v}, or null
 * @param query the raw relative request, or null when a reference names what was read
 */
record RestRead(String subtype, AuditEventAction action, String reference, String query) {

  /**
   * Classifies a GET by its URL relative to the server base ({@code Observation?patient=1}, {@code
   * Patient/1/_history/2}, {@code ?_getpages=...}).
   *
   * @throws FcdsException 7076 when the method is not GET or HEAD (writes are recorded with {@link
   *     AuditEvents#fhirWrite})
   */
  static RestRead of(String method, String relativeUrl) {
    if (!"GET".equalsIgnoreCase(method) && !"HEAD".equalsIgnoreCase(method)) {
      throw new FcdsException(
          ErrorCode.AUDIT_NOT_REST_READ,
          "not a FHIR read or search — " + method + " " + relativeUrl);
    }
    String url = relativeUrl.startsWith("/") ? relativeUrl.substring(1) : relativeUrl;
    int q = url.indexOf('?');
    String path = q < 0 ? url : url.substring(0, q);
    List<String> s = Arrays.stream(path.split("/")).filter(x -> !x.isEmpty()).toList();
    if (s.stream().anyMatch(x -> x.startsWith("$"))) {
      return query("operation", url);
    }
    return switch (s.size()) {
      case 0 -> query(url.contains("_getpages=") ? "search" : "search-system", url);
      case 1 ->
          "metadata".equals(s.get(0)) ? query("capabilities", url) : query("search-type", url);
      case 2 -> twoSegments(s, url);
      case 3 -> "_history".equals(s.get(2)) ? history(s, url) : query("search", url);
      case 4 ->
          "_history".equals(s.get(2)) ? read("vread", String.join("/", s)) : query("search", url);
      default -> query("search", url);
    };
  }

  private static RestRead twoSegments(List<String> s, String url) {
    if ("_history".equals(s.get(1))) {
      return query("history-type", url);
    }
    return read("read", s.get(0) + "/" + s.get(1));
  }

  private static RestRead history(List<String> s, String url) {
    return new RestRead("history-instance", AuditEventAction.E, s.get(0) + "/" + s.get(1), url);
  }

  private static RestRead read(String subtype, String reference) {
    return new RestRead(subtype, AuditEventAction.R, reference, null);
  }

  private static RestRead query(String subtype, String url) {
    return new RestRead(subtype, AuditEventAction.E, null, url);
  }
}
