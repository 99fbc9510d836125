package org.fusioncds.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.fusioncds.sandbox.SandboxEhr;

/** Calls the CDS hook (CDS Hooks 2.0.1 patient-view) over loopback HTTP/1.1, as an EHR would. */
final class HookClient {

  /** The answer: HTTP status, its first card (null when none) and the wall time in ms. */
  record Answer(int status, JsonNode card, double millis, String body) {

    String detail() {
      return card == null ? "" : card.path("detail").asText();
    }

    String reportUrl() {
      return card == null ? null : card.path("links").path(0).path("url").asText(null);
    }

    boolean cached() {
      return detail().contains("the model was not run again");
    }
  }

  static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final String hookUrl;
  private final String fhirServer;
  private final Duration timeout;
  private final SandboxEhr ehr;

  /** Calls signed by {@code ehr} (its JWT is part of what is timed). */
  HookClient(String hookUrl, String fhirServer, Duration timeout, SandboxEhr ehr) {
    this.ehr = ehr;
    this.hookUrl = hookUrl;
    this.fhirServer = fhirServer;
    this.timeout = timeout;
  }

  Answer call(String patientId) throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode();
    body.put("hook", "patient-view");
    body.put("hookInstance", UUID.randomUUID().toString());
    body.put("fhirServer", fhirServer);
    body.putObject("context").put("userId", "Practitioner/bench").put("patientId", patientId);
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(hookUrl))
            .header("Authorization", "Bearer " + ehr.sign(hookUrl))
            .header("Content-Type", "application/json")
            .timeout(timeout)
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
            .build();
    long t0 = System.nanoTime();
    HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
    double ms = (System.nanoTime() - t0) / 1e6;
    JsonNode card = null;
    if (r.statusCode() == 200) {
      card = JSON.readTree(r.body()).path("cards").path(0);
      card = card.isMissingNode() ? null : card;
    }
    return new Answer(r.statusCode(), card, ms, r.body());
  }
}
