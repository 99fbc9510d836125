package org.fusioncds.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.fusioncds.sandbox.FreePorts;
import org.fusioncds.sandbox.SandboxEhr;
import org.fusioncds.sandbox.SandboxHookCalls;
import org.fusioncds.sandbox.SandboxServers;
import org.fusioncds.sandbox.SandboxSettings;
import org.fusioncds.sandbox.cohort.CohortGenerator;
import org.fusioncds.sandbox.cohort.CohortLoader;
import org.fusioncds.sandbox.cohort.CohortLoader.LoadedPatient;
import org.fusioncds.sandbox.cohort.VisitFrame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code target/fusion-cds-service.jar} as an operator runs it: only {@code serve}, none of the
 * demo's servers, databases, Spring, the HAPI validator or the cohort inside; and it answers a
 * signed hook against real servers (the sandbox FHIR server and DICOMweb, the sandbox EHR's JWKS).
 */
class ServiceJarIT {

  static final Path JAR = Path.of("target/fusion-cds-service.jar");
  static final ObjectMapper JSON = new ObjectMapper();

  /** What runs only in the demo, the tests or the tools. */
  static final List<String> FORBIDDEN =
      List.of(
          "org/h2/",
          "org/hibernate/",
          "org/springframework/",
          "jakarta/persistence/",
          "ca/uhn/fhir/jpa/",
          "org/hl7/fhir/common/hapi/validation/",
          "org/hl7/fhir/validation/",
          "org/apache/lucene/",
          "org/sqlite/",
          "org/eclipse/jetty/",
          "org/jfree/",
          "picocli/",
          "org/fusioncds/sandbox/",
          "org/fusioncds/evaluate/",
          "org/fusioncds/export/",
          "org/fusioncds/conformance/",
          "org/fusioncds/cli/");

  @Test
  void theServiceJarHoldsTheServiceAndNothingOfTheSandboxOrTools() throws Exception {
    List<String> found = new ArrayList<>();
    int classes = 0;
    try (JarFile jar = new JarFile(JAR.toFile())) {
      for (ZipEntry e : java.util.Collections.list(jar.entries())) {
        String name = e.getName();
        classes += name.endsWith(".class") ? 1 : 0;
        FORBIDDEN.stream().filter(name::startsWith).findFirst().ifPresent(f -> found.add(name));
      }
      assertEquals(
          "org.fusioncds.app.ServiceMain",
          jar.getManifest().getMainAttributes().getValue("Main-Class"));
      assertTrue(jar.getEntry("org/fusioncds/cdshooks/CardStep.class") != null);
      assertTrue(jar.getEntry("org/fusioncds/dicom/DicomReader.class") != null);
      assertTrue(jar.getEntry("routes/evaluate-patient.camel.yaml") != null);
      assertTrue(jar.getEntry("application.properties") != null);
    }
    assertEquals(List.of(), found.stream().limit(20).toList(), "forbidden in the service jar");
    assertTrue(classes > 1000, "a service jar with its libraries: " + classes + " classes");
  }

  @Test
  void theServiceJarRefusesAnyCommandButServe() throws Exception {
    Process p =
        new ProcessBuilder(List.of(java(), "-jar", JAR.toString(), "demo"))
            .redirectErrorStream(true)
            .start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertEquals(2, p.exitValue(), text);
    assertTrue(text.startsWith("FCDS-8001: "), text);
  }

  @Test
  void theServiceJarServesASignedHookAgainstRealServers(@TempDir Path work) throws Exception {
    Path cohort = work.resolve("cohort");
    CohortGenerator.generate(8, 31, cohort, VisitFrame.dayBefore(Instant.now()));
    try (SandboxServers servers = SandboxServers.start(cohort.resolve("dicom"));
        SandboxEhr ehr = SandboxEhr.start()) {
      String fhirBase = servers.fhir().baseUrl();
      List<LoadedPatient> loaded =
          CohortLoader.load(FhirContext.forR4Cached().newRestfulGenericClient(fhirBase), cohort);
      LoadedPatient patient =
          loaded.stream().filter(p -> p.image() && p.labs()).findFirst().orElseThrow();
      int port = FreePorts.find();
      Map<String, String> settings =
          SandboxSettings.forApp(port, ehr, work, fhirBase, servers.dicomWeb().baseUrl());
      Path log = work.resolve("service.log");
      Process service = serve(settings, servers, ehr, log);
      try {
        String base = "http://127.0.0.1:" + port + "/cds-services";
        String hook = base + "/imaging-fusion";
        HttpResponse<String> answer = post(hook, body(fhirBase, patient.id()), ehr.sign(hook));

        assertEquals(200, answer.statusCode(), answer.body() + "\n" + Files.readString(log));
        JsonNode card = JSON.readTree(answer.body()).path("cards").path(0);
        assertTrue(card.path("summary").asText().startsWith("AI (preliminary): "), answer.body());
        assertTrue(card.path("links").path(0).path("url").asText().contains("/DiagnosticReport/"));
        assertEquals(401, post(hook, body(fhirBase, patient.id()), null).statusCode());
        assertFalse(Files.readString(log).contains(patient.id()), "no patient id in the log");
      } finally {
        service.destroy();
        if (!service.waitFor(20, TimeUnit.SECONDS)) {
          service.destroyForcibly();
        }
      }
    }
  }

  /**
   * {@code cds.card-timing=before-report}: the card names a report the FHIR server cannot take yet
   * (transactions refused, 503), and the service is killed (SIGKILL) while its write waits for a
   * retry. Started again on the same folders, it evaluates the case once more and writes the report
   * at the id the card named; the journal says it is written.
   */
  @Test
  void aReportWhoseCardWasAnsweredIsWrittenAfterAKillNineBeforeItsWrite(@TempDir Path work)
      throws Exception {
    Path cohort = work.resolve("cohort");
    CohortGenerator.generate(8, 31, cohort, VisitFrame.dayBefore(Instant.now()));
    try (SandboxServers servers = SandboxServers.start(cohort.resolve("dicom"));
        SandboxEhr ehr = SandboxEhr.start()) {
      String fhirBase = servers.fhir().baseUrl();
      var fhir = FhirContext.forR4Cached().newRestfulGenericClient(fhirBase);
      LoadedPatient patient =
          CohortLoader.load(fhir, cohort).stream()
              .filter(p -> p.image() && p.labs())
              .findFirst()
              .orElseThrow();
      int port = FreePorts.find();
      Map<String, String> settings =
          SandboxSettings.forApp(port, ehr, work, fhirBase, servers.dicomWeb().baseUrl());
      settings.put("cds.card-timing", "before-report");
      settings.put("cds.background-retry.delay-ms", "60000"); // the write waits for its retry
      Path journal = work.resolve("dead-letters").resolve("pending-reports.jsonl");
      var refusal = servers.fhir().refuseTransactions();
      String reportUrl;
      Process first = serve(settings, servers, ehr, work.resolve("first.log"));
      try {
        String hook = "http://127.0.0.1:" + port + "/cds-services/imaging-fusion";
        HttpResponse<String> answer = post(hook, body(fhirBase, patient.id()), ehr.sign(hook));
        assertEquals(200, answer.statusCode(), answer.body());
        reportUrl =
            JSON.readTree(answer.body())
                .path("cards")
                .path(0)
                .path("links")
                .path(0)
                .path("url")
                .asText();
        assertTrue(reportUrl.contains("/DiagnosticReport/fcds-report-"), answer.body());
        await().atMost(Duration.ofSeconds(30)).until(() -> refusal.refused() > 0);
      } finally {
        first.destroyForcibly(); // SIGKILL: no shutdown hook, no drain of the queue
        first.waitFor(20, TimeUnit.SECONDS);
      }
      String id = reportUrl.replaceAll(".*/DiagnosticReport/([^/]+).*", "$1");
      String key = id.substring("fcds-report-".length()); // the key's first 52 characters
      assertTrue(
          Files.readString(journal).contains("\"pending\":\"" + key),
          key + " pending in " + Files.readString(journal));
      assertFalse(Files.readString(journal).contains("\"written\""), "nothing written yet");
      assertEquals(
          0,
          fhir.search()
              .byUrl("DiagnosticReport?_id=" + id)
              .returnBundle(org.hl7.fhir.r4.model.Bundle.class)
              .execute()
              .getEntry()
              .size(),
          "the report was not written before the kill");
      refusal.end();

      Process second = serve(settings, servers, ehr, work.resolve("second.log"));
      try {
        org.hl7.fhir.r4.model.DiagnosticReport report =
            await()
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofSeconds(1))
                .until(
                    () ->
                        fhir
                            .search()
                            .byUrl("DiagnosticReport?_id=" + id)
                            .returnBundle(org.hl7.fhir.r4.model.Bundle.class)
                            .execute()
                            .getEntry()
                            .stream()
                            .map(e -> (org.hl7.fhir.r4.model.DiagnosticReport) e.getResource())
                            .findFirst()
                            .orElse(null),
                    java.util.Objects::nonNull);
        assertEquals(
            org.hl7.fhir.r4.model.DiagnosticReport.DiagnosticReportStatus.PRELIMINARY,
            report.getStatus());
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> Files.readString(journal).contains("\"written\":\"" + key));
        String logs =
            Files.readString(work.resolve("first.log"))
                + Files.readString(work.resolve("second.log"));
        assertFalse(logs.contains(patient.id()), "no patient id in the logs");
      } finally {
        second.destroy();
        if (!second.waitFor(20, TimeUnit.SECONDS)) {
          second.destroyForcibly();
        }
      }
    }
  }

  /** The service jar as a process with {@code settings}, once its discovery answers. */
  private static Process serve(
      Map<String, String> settings, SandboxServers servers, SandboxEhr ehr, Path log)
      throws Exception {
    settings.put("dicomweb.base-url", servers.dicomWeb().baseUrl());
    List<String> command = new ArrayList<>(List.of(java(), "-Xmx1g"));
    settings.forEach((k, v) -> command.add("-D" + k + "=" + v));
    command.addAll(List.of("-jar", JAR.toString()));
    Process service =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    String base = "http://127.0.0.1:" + settings.get("camel.server.port") + "/cds-services";
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> !service.isAlive() || status(get(base, ehr.sign(base))) == 200);
    assertTrue(service.isAlive(), Files.readString(log));
    return service;
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static int status(HttpResponse<String> r) {
    return r == null ? -1 : r.statusCode();
  }

  private static HttpResponse<String> get(String url, String jwt) {
    try {
      return HttpClient.newHttpClient()
          .send(
              HttpRequest.newBuilder(URI.create(url))
                  .header("Authorization", "Bearer " + jwt)
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      return null; // not listening yet
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static ObjectNode body(String fhirBase, String patientId) {
    return SandboxHookCalls.patientView(fhirBase, patientId, "Practitioner/service-jar-it");
  }

  private static HttpResponse<String> post(String url, ObjectNode body, String jwt)
      throws Exception {
    return SandboxHookCalls.post(url, body, jwt);
  }
}
