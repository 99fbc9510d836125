package org.fusioncds.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.CacheControlDirective;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.fusioncds.flow.Profiles;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

/**
 * The scale demo as a user runs it: {@code java -jar target/fusion-cds.jar demo --kafka} with two
 * worker JVMs, one of them killed with SIGKILL once a third of the jobs have finished, over studies
 * a month old (older than the card's 48 h: each backfill job is evaluated as of its study's time).
 * Its summary is checked against the FHIR server it leaves running ({@code --stay}).
 */
class ScaleDemoIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aWorkerKilledMidBackfillOfMonthOldStudiesLeavesOneReportPerJobEachAsOfItsStudy()
      throws Exception {
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx1g",
            "-XX:+UseSerialGC",
            "-jar",
            "target/fusion-cds.jar",
            "demo",
            "--kafka",
            "--workers",
            "2",
            "--patients",
            "12",
            "--kill-worker",
            "--study-age-days",
            "30",
            "--stay");
    Process demo = new ProcessBuilder(command).redirectErrorStream(true).start();
    List<ProcessHandle> children = new ArrayList<>();
    List<String> lines = new ArrayList<>();
    try {
      JsonNode summary = null;
      JsonNode endpoints = null;
      long until = System.nanoTime() + Duration.ofMinutes(8).toNanos();
      BufferedReader out =
          new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8));
      String line;
      while (summary == null && System.nanoTime() < until && (line = out.readLine()) != null) {
        lines.add(line);
        demo.descendants().forEach(children::add);
        if (line.startsWith("{\"cdsServices\"")) {
          endpoints = JSON.readTree(line);
        } else if (line.startsWith("{\"jobs\"")) {
          summary = JSON.readTree(line);
        }
      }
      assertNotNull(summary, () -> "no summary: " + String.join("\n", lines));
      assertNotNull(endpoints, () -> String.join("\n", lines));
      String all = String.join("\n", lines);
      System.out.println("SCALE-DEMO " + summary);
      long jobs = summary.path("jobs").asLong();

      assertTrue(jobs >= 6, all);
      assertTrue(all.contains("killed with SIGKILL"), all);
      assertEquals(jobs, summary.path("finished").asLong(), all);
      assertEquals(jobs, summary.path("reports").asLong(), all);
      assertEquals(0, summary.path("duplicates").asLong(), all);
      assertEquals(0, summary.path("failed").asLong(), all);
      // a job whose report the killed worker had written, but whose outcome and commit it never
      // sent, is redelivered and answered from that report (CACHED): at most the jobs it had in
      // hand, one per consumer (evaluation.concurrency, 4)
      long reported = summary.path("outcomes").path("REPORTED").asLong();
      long cached = summary.path("outcomes").path("CACHED").asLong();
      assertEquals(jobs, reported + cached, all);
      assertTrue(cached <= 4, all);

      IGenericClient fhir =
          FhirContext.forR4Cached().newRestfulGenericClient(endpoints.path("fhir").asText());
      Map<String, Instant> studyTimes = new HashMap<>();
      for (Resource r : all(fhir, "ImagingStudy?_count=200")) {
        ImagingStudy s = (ImagingStudy) r;
        studyTimes.merge(
            s.getSubject().getReference(),
            s.getStarted().toInstant(),
            (a, b) -> a.isAfter(b) ? a : b);
      }
      Map<String, String> reportSubjects = new HashMap<>();
      for (Resource r : all(fhir, "DiagnosticReport?_count=200")) {
        reportSubjects.put(
            "DiagnosticReport/" + r.getIdElement().getIdPart(),
            ((DiagnosticReport) r).getSubject().getReference());
      }
      int checked = 0;
      for (Resource r : all(fhir, "Provenance?_count=200")) {
        Provenance p = (Provenance) r;
        String report =
            p.getTarget().stream()
                .map(t -> t.getReference())
                .filter(t -> t != null && t.startsWith("DiagnosticReport/"))
                .map(t -> t.replaceAll("/_history/.*", ""))
                .findFirst()
                .orElse(null);
        if (report == null) {
          continue;
        }
        Extension asOf = p.getExtensionByUrl(Profiles.EXT_EVALUATED_AS_OF);
        assertNotNull(asOf, "Provenance without evaluated-as-of: " + p.getIdPart());
        Instant at = ((DateTimeType) asOf.getValue()).getValue().toInstant();
        Instant study = studyTimes.get(reportSubjects.get(report));
        assertEquals(study, at, "as of the study's time: " + report);
        assertTrue(at.isBefore(Instant.now().minus(Duration.ofDays(29))), at.toString());
        checked++;
      }
      assertEquals(jobs, checked, "Provenances of the reports");
    } finally {
      demo.descendants().forEach(children::add);
      demo.destroy(); // SIGTERM: the demo's shutdown hook ends its workers and broker
      if (!demo.waitFor(60, TimeUnit.SECONDS)) {
        demo.destroyForcibly();
      }
      for (ProcessHandle c : children) {
        c.destroyForcibly();
      }
    }
  }

  private static List<Resource> all(IGenericClient fhir, String search) {
    List<Resource> out = new ArrayList<>();
    Bundle page =
        fhir.search()
            .byUrl(search)
            .returnBundle(Bundle.class)
            .cacheControl(new CacheControlDirective().setNoCache(true))
            .execute();
    while (page != null) {
      page.getEntry().forEach(e -> out.add(e.getResource()));
      page = page.getLink(Bundle.LINK_NEXT) == null ? null : fhir.loadPage().next(page).execute();
    }
    return out;
  }
}
