package org.fusioncds.audit;

import java.time.Instant;
import java.util.List;

/**
 * One AI report as the compliance trail shows it (FHIR R4): the report, the model that produced it,
 * every input version it was computed from and who asked for it. Read from the report's Provenance
 * (the HL7 AI Transparency shape of {@code fhir-profiles/}), the model's Device and the write-back
 * AuditEvent (IHE BALP); AuditEvents are shipped in batches, so a recent report may have none yet,
 * and then {@link #callerSource()} is {@link CallerSource#PROVENANCE_ONLY}.
 *
 * @param report the versioned reference, for example {@code DiagnosticReport/12/_history/1}
 * @param status {@code DiagnosticReport.status}, for example {@code preliminary}
 * @param issued {@code DiagnosticReport.issued}
 * @param patient {@code DiagnosticReport.subject}, for example {@code Patient/p1}
 * @param model the model, or null when the report has no Provenance naming a Device
 * @param provenance the versioned reference of the Provenance, or null when there is none
 * @param inputs every input version ({@code Type/id/_history/n}, or the {@code urn:dicom:uid}
 *     identifier value of a DICOM instance, for example {@code urn:oid:1.2.3})
 * @param missingInputs the inputs the model expected and did not get, for example {@code labs:pct}
 * @param callerSource where {@link #caller()} comes from
 * @param caller who asked for the report
 * @param recorded {@code Provenance.recorded}, or null
 */
public record ComplianceRecord(
    String report,
    String status,
    Instant issued,
    String patient,
    ModelInfo model,
    String provenance,
    List<String> inputs,
    List<String> missingInputs,
    CallerSource callerSource,
    CallerInfo caller,
    Instant recorded) {

  public ComplianceRecord {
    inputs = List.copyOf(inputs);
    missingInputs = List.copyOf(missingInputs);
  }

  /**
   * The model as its Device names it.
   *
   * @param id {@code Device.modelNumber}
   * @param version {@code Device.version.value}
   * @param graph the graph file name, from the property {@code graph sha256 (<graph>)}
   * @param sha256 the SHA-256 of the graph (hex)
   * @param device the Device's versioned reference, for example {@code Device/5/_history/1}
   */
  public record ModelInfo(String id, String version, String graph, String sha256, String device) {}

  /**
   * Who asked: the calling EHR and its user, from the write-back AuditEvent (IHE BALP agents); with
   * only a Provenance, just the user its reason names, the rest null.
   *
   * @param iss the EHR token's issuer ({@code who.identifier.system} of the application agent)
   * @param clientId the EHR's client id ({@code who.identifier.value})
   * @param user the user reference, for example {@code Practitioner/123}
   * @param tokenId the EHR token's {@code jti} ({@code agent.policy})
   * @param hookInstance the CDS Hooks {@code hookInstance}
   * @param auditEvents the AuditEvents of the write-back, versioned references, oldest first
   */
  public record CallerInfo(
      String iss,
      String clientId,
      String user,
      String tokenId,
      String hookInstance,
      List<String> auditEvents) {

    public CallerInfo {
      auditEvents = List.copyOf(auditEvents);
    }

    /** True when the EHR's issuer, its client id or the user equals {@code who}. */
    public boolean matches(String who) {
      return who.equals(iss) || who.equals(clientId) || who.equals(user);
    }
  }

  /** Where the caller was read from. */
  public enum CallerSource {
    /** The write-back AuditEvent: the EHR, its token and the user. */
    AUDIT_EVENT("audit-event"),
    /** No AuditEvent (yet): only the user named in the Provenance's reason. */
    PROVENANCE_ONLY("provenance-only");

    private final String text;

    CallerSource(String text) {
      this.text = text;
    }

    /** As written in JSON and CSV. */
    public String text() {
      return text;
    }
  }
}
