package org.fusioncds.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's demo command, run from the packaged jar as a user runs it. */
class DemoCommandIT {

  /** The demo as a user runs it, with these environment variables; its output. */
  private static String demo(Path tmp, Map<String, String> env) throws Exception {
    Path out = tmp.resolve("out.txt");
    ProcessBuilder b =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar",
                    "target/fusion-cds.jar",
                    "demo"))
            .redirectErrorStream(true)
            .redirectOutput(out.toFile());
    b.environment().putAll(env);
    Process p = b.start();
    boolean done = p.waitFor(240, TimeUnit.SECONDS);
    if (!done) {
      p.destroyForcibly();
    }
    String text = Files.readString(out, StandardCharsets.UTF_8);
    assertTrue(done, "demo did not end within 240 s:\n" + text);
    assertEquals(0, p.exitValue(), text);
    return text;
  }

  @Test
  void withTheCardAfterTheReportTheDemoFindsTheReportThereWhenTheCardIsShown(@TempDir Path tmp)
      throws Exception {
    String text = demo(tmp, Map.of("FCDS_CARD_TIMING", "after-report"));

    assertTrue(!text.contains("the card came first"), "after-report: the report is there: " + text);
    assertTrue(text.contains("status=preliminary"), text);
    assertTrue(text.contains("key image: Media/"), text);
    assertTrue(!text.contains(" ERROR ") && !text.contains("Exception"), text);
  }

  @Test
  void demoRunsTheWholeFlowOnEmbeddedServersAndExitsZero(@TempDir Path tmp) throws Exception {
    String text = demo(tmp, Map.of());

    assertTrue(
        text.contains("(the card came first: its report was there "),
        "before-report, the default: " + text);
    assertTrue(text.contains("status=preliminary"), text);
    assertTrue(text.contains("entity (source): ImagingStudy/"), text);
    assertTrue(text.contains("presentedForm text/html: "), text);
    assertTrue(text.contains("presentedForm application/pdf: "), text);
    assertTrue(text.contains("key image: Media/"), text);
    assertTrue(
        java.util.regex.Pattern.compile(
                "SMART launch \\(as the EHR opens the card's app, 5 min, once\\):"
                    + " http://127\\.0\\.0\\.1:\\d+/app/launch\\?iss=.+&launch=ey")
            .matcher(text)
            .find(),
        text);
    assertTrue(text.contains("no recent chest radiograph"), text);
    assertTrue(
        java.util.regex.Pattern.compile(
                "on the nodule-ct service \\(chest CT[^\\n]*\\n[^\\n]*\\n   card \\[")
            .matcher(text)
            .find(),
        "a chest CT patient answered by the nodule-ct service: " + text);
    assertTrue(text.contains("more DICOM instances"), "the report names every slice: " + text);
    assertTrue(
        java.util.regex.Pattern.compile("on the nodule-ct service[\\s\\S]*SMART launch \\(")
            .matcher(text)
            .find(),
        "the nodule-ct card's app launch too: " + text);
    assertTrue(text.contains("the model was not run again"), text);
    assertTrue(text.contains("without the EHR's JWT: HTTP 401 FCDS-7001"), text);
    assertTrue(text.contains("off the allowlist: HTTP 400 FCDS-7031"), text);
    assertTrue(
        java.util.regex.Pattern.compile(
                "audit trail: [1-9][0-9]* AuditEvents in the FHIR server \\(hook calls")
            .matcher(text)
            .find(),
        "every AuditEvent shipped: " + text);
    assertTrue(
        java.util.regex.Pattern.compile(
                "hooks answered from the index, nothing gathered again: [1-9][0-9]*")
            .matcher(text)
            .find(),
        "the repeated hook recalled, as the management port counts it: " + text);
    assertTrue(!text.contains(" ERROR "), text);
    // the sandbox FHIR server logs each read of a report before it was written (404) at WARN
    assertTrue(
        text.lines()
            .filter(l -> l.contains("Exception"))
            .allMatch(l -> l.contains("HAPI-2001: Resource DiagnosticReport/fcds-report-")),
        text);
  }
}
