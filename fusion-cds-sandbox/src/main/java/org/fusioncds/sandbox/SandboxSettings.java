package org.fusioncds.sandbox;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The settings of the application when it runs against the sandbox (the demo, the tests, the
 * benchmarks): dev mode (loopback servers), the sandbox EHR as the one trusted CDS Hooks issuer,
 * the given servers as the only allowed FHIR servers and PACS, and an audit spool and folders of
 * its own under {@code work}. Callers add or replace what they need.
 */
public final class SandboxSettings {

  private SandboxSettings() {}

  /**
   * @param fhirServers allowed FHIR base URLs, comma separated; the first is the audit repository
   * @param dicomWebServers allowed DICOMweb base URLs, comma separated
   */
  public static Map<String, String> forApp(
      int port, SandboxEhr ehr, Path work, String fhirServers, String dicomWebServers) {
    Map<String, String> s = new HashMap<>();
    s.put("camel.server.port", String.valueOf(port));
    s.put("camel.management.port", "0"); // a free one: tests run many apps in one JVM
    s.put("cds.public-base-url", "http://127.0.0.1:" + port);
    s.put("security.mode", "dev");
    s.put("security.hook-issuer.ehr.iss", ehr.issuer());
    s.put("security.hook-issuer.ehr.jwks-url", ehr.jwksUrl().toString());
    s.put("security.fhir-servers", fhirServers);
    s.put("security.dicomweb-servers", dicomWebServers);
    s.put("audit.fhir-base-url", fhirServers.split(",")[0].trim());
    s.put("audit.spool-folder", work.resolve("audit-spool-" + port).toString());
    s.put("audit.interval-ms", "200");
    s.put("cds.feedback-folder", work.resolve("feedback").toString());
    s.put("cds.dead-letter-folder", work.resolve("dead-letters").toString());
    // fixed test and demo patients: ~5 % of them lie beyond the card's 5 % false-abstain
    // threshold; a test of the ood abstention turns it on (HookSpineIT)
    s.put("inference.ood.abstain", "false");
    return s;
  }
}
