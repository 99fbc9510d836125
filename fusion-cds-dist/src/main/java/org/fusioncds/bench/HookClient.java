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
import java.util.LinkedHashMap;
import java.util.Map;
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
  private Map<String, String> templates;

  /** Calls signed by {@code ehr} (the signing is not part of the time of a call). */
  HookClient(String hookUrl, String fhirServer, Duration timeout, SandboxEhr ehr) {
    this.ehr = ehr;
    this.hookUrl = hookUrl;
    this.fhirServer = fhirServer;
    this.timeout = timeout;
  }

  /**
   * What an EHR that honours the service's discovery sends: each prefetch template of the service,
   * with the patient's id, answered by the FHIR server (read here, before any call is timed).
   */
  JsonNode prefetch(String patientId) throws IOException, InterruptedException {
    ObjectNode out = JSON.createObjectNode();
    for (Map.Entry<String, String> t : prefetchTemplates().entrySet()) {
      String query = t.getValue().replace("{{context.patientId}}", patientId).replace("|", "%7C");
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(fhirServer + "/" + query))
                  .header("Accept", "application/fhir+json")
                  .timeout(timeout)
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IOException("prefetch " + t.getKey() + ": HTTP " + r.statusCode());
      }
      out.set(t.getKey(), JSON.readTree(r.body()));
    }
    return out;
  }

  /** The service's prefetch templates by key, from its discovery (asked once, signed). */
  private synchronized Map<String, String> prefetchTemplates()
      throws IOException, InterruptedException {
    if (templates != null) {
      return templates;
    }
    String discovery = hookUrl.substring(0, hookUrl.lastIndexOf('/'));
    HttpResponse<String> d =
        http.send(
            HttpRequest.newBuilder(URI.create(discovery))
                .header("Authorization", "Bearer " + ehr.sign(discovery))
                .timeout(timeout)
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (d.statusCode() != 200) {
      throw new IOException("discovery: HTTP " + d.statusCode() + " " + d.body());
    }
    String id = hookUrl.substring(hookUrl.lastIndexOf('/') + 1);
    Map<String, String> found = new LinkedHashMap<>();
    for (JsonNode service : JSON.readTree(d.body()).path("services")) {
      if (id.equals(service.path("id").asText())) {
        service
            .path("prefetch")
            .fields()
            .forEachRemaining(t -> found.put(t.getKey(), t.getValue().asText()));
      }
    }
    if (found.isEmpty()) {
      throw new IOException("discovery names no prefetch for " + id + ": " + d.body());
    }
    templates = found;
    return templates;
  }

  Answer call(String patientId) throws IOException, InterruptedException {
    return call(patientId, null);
  }

  /** A call with the EHR's prefetch (null: none; the service then reads what it needs). */
  Answer call(String patientId, JsonNode prefetch) throws IOException, InterruptedException {
    return send(request(patientId, prefetch));
  }

  /**
   * The signed request of one call (a fresh JWT and hookInstance each time), made before it is
   * sent: the load levels make every request of a level first, as an EHR signs on its own machine.
   */
  HttpRequest request(String patientId, JsonNode prefetch) {
    ObjectNode body = JSON.createObjectNode();
    body.put("hook", "patient-view");
    body.put("hookInstance", UUID.randomUUID().toString());
    body.put("fhirServer", fhirServer);
    body.putObject("context").put("userId", "Practitioner/bench").put("patientId", patientId);
    if (prefetch != null) {
      body.set("prefetch", prefetch);
    }
    return HttpRequest.newBuilder(URI.create(hookUrl))
        .header("Authorization", "Bearer " + ehr.sign(hookUrl))
        .header("Content-Type", "application/json")
        .timeout(timeout)
        .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
        .build();
  }

  /** Sends a request made by {@link #request}; the time is the send and the answer only. */
  Answer send(HttpRequest request) throws IOException, InterruptedException {
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
