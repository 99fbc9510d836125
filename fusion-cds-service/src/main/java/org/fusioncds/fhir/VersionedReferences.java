package org.fusioncds.fhir;

import ca.uhn.fhir.context.FhirContext;
import java.util.List;

/**
 * The reference paths whose version ({@code /_history/n}) the module writes and must keep: the
 * inputs and targets of a Provenance, the report's study, an Observation's sources and the
 * resources an AuditEvent names. HAPI strips versions from references by default, in its client and
 * in its server alike; both ours and the sandbox server keep them at these paths.
 */
public final class VersionedReferences {

  public static final List<String> PATHS =
      List.of(
          "Provenance.entity.what",
          "Provenance.target",
          "DiagnosticReport.imagingStudy",
          "Observation.derivedFrom",
          "AuditEvent.entity.what");

  private VersionedReferences() {}

  /** The context, told to keep versions at {@link #PATHS} when it encodes and parses. */
  public static FhirContext keptIn(FhirContext fhir) {
    fhir.getParserOptions().setDontStripVersionsFromReferencesAtPaths(PATHS);
    return fhir;
  }
}
