package org.fusioncds.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.fusioncds.sandbox.SandboxEhr;
import org.fusioncds.sandbox.SandboxHookCalls;

/**
 * Hook calls as the test's EHR makes them (the application trusts that EHR through {@link
 * org.fusioncds.sandbox.SandboxSettings}).
 */
public final class SecuredApp {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Hooks in a test may run the whole flow on a busy 2-core machine. */
  private static final Duration HOOK_TIMEOUT = Duration.ofSeconds(120);

  private SecuredApp() {}

  /** A request to a CDS Hooks URL with the EHR's JWT for exactly that URL. */
  public static HttpRequest.Builder signed(SandboxEhr ehr, String url) {
    return HttpRequest.newBuilder(URI.create(url))
        .header("Authorization", "Bearer " + ehr.sign(url));
  }

  /**
   * A signed patient-view call by {@code Practitioner/example} for the patient on that FHIR server,
   * with the prefetch when not null; asserts 200 and returns the CDS Hooks response.
   */
  public static JsonNode patientView(
      SandboxEhr ehr, String url, String fhirBase, String patient, JsonNode prefetch)
      throws Exception {
    ObjectNode body = SandboxHookCalls.patientView(fhirBase, patient, "Practitioner/example");
    if (prefetch != null) {
      body.set("prefetch", prefetch);
    }
    HttpResponse<String> r = SandboxHookCalls.post(url, body, ehr.sign(url), HOOK_TIMEOUT);
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body());
  }
}
