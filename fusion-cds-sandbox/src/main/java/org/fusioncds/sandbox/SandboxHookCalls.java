package org.fusioncds.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

/**
 * Hook calls as the sandbox EHR makes them (CDS Hooks 2.0.1 §HTTP Request): a patient-view body and
 * a POST with {@code Authorization: Bearer <JWT>}. Used by the demo and by the tests that call the
 * service from outside.
 */
public final class SandboxHookCalls {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private SandboxHookCalls() {}

  /** A patient-view request for the patient on that FHIR server, with a fresh hook instance. */
  public static ObjectNode patientView(String fhirBase, String patientId, String userId) {
    ObjectNode body = JSON.createObjectNode();
    body.put("hook", "patient-view");
    body.put("hookInstance", UUID.randomUUID().toString());
    body.put("fhirServer", fhirBase);
    body.putObject("context").put("userId", userId).put("patientId", patientId);
    return body;
  }

  /** POSTs the body as JSON; {@code jwt} null sends no Authorization header. */
  public static HttpResponse<String> post(String url, ObjectNode body, String jwt)
      throws IOException, InterruptedException {
    return post(url, body, jwt, Duration.ofSeconds(60));
  }

  /** {@link #post(String, ObjectNode, String)} with the answer awaited at most {@code timeout}. */
  public static HttpResponse<String> post(String url, ObjectNode body, String jwt, Duration timeout)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .timeout(timeout)
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    if (jwt != null) {
      request.header("Authorization", "Bearer " + jwt);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
