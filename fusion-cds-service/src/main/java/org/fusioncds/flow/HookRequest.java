package org.fusioncds.flow;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * A validated hook request (CDS Hooks 2.0.1 §HTTP Request): what the service needs to evaluate one
 * patient. Prefetch values are FHIR resources as JSON (absent keys: the EHR did not prefetch).
 */
public record HookRequest(
    String serviceId,
    String hook,
    String hookInstance,
    String fhirServer,
    FhirAuthorization fhirAuthorization,
    String userId,
    String patientId,
    String encounterId,
    Map<String, JsonNode> prefetch) {

  public HookRequest {
    prefetch = Map.copyOf(prefetch);
  }

  /** The prefetched resource under a key, or null when the EHR sent none. */
  public JsonNode prefetched(String key) {
    JsonNode n = prefetch.get(key);
    return n == null || n.isNull() ? null : n;
  }

  /** Logs carry only this: no patient identifiers, no token. */
  @Override
  public String toString() {
    return "HookRequest[service=" + serviceId + ", hookInstance=" + hookInstance + "]";
  }
}
