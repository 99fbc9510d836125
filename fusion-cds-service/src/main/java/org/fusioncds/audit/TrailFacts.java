package org.fusioncds.audit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.fusioncds.flow.Profiles;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * Reads the facts of the compliance trail out of the resources the write-back and the audit trail
 * leave (FHIR R4): the Provenance and Device of {@code fhir-profiles/}, and the write-back
 * AuditEvent of IHE BALP 1.1 (application agent {@code DCM#110150}, user agent {@code
 * v3-RoleClass#PROV}, the hook instance as an entity identifier).
 */
final class TrailFacts {

  static final String DICOM_UID = "urn:dicom:uid";
  static final String HOOK_INSTANCE = "urn:fusion-cds:hook-instance";
  static final String RESTFUL_INTERACTION = "http://hl7.org/fhir/restful-interaction";
  static final String DCM = "http://dicom.nema.org/resources/ontology/DCM";
  static final String ROLE_CLASS = "http://terminology.hl7.org/CodeSystem/v3-RoleClass";
  static final String REQUESTED_BY = "requested through CDS Hooks by ";
  private static final String PERFORMER = "performer";
  private static final String GRAPH_PREFIX = "graph sha256 (";

  private TrailFacts() {}

  /** {@code Type/id/_history/n} of a resource read from the server (without a version if none). */
  static String versioned(Resource r) {
    IdType id = r.getIdElement();
    String version = id.hasVersionIdPart() ? id.getVersionIdPart() : r.getMeta().getVersionId();
    String plain = r.fhirType() + "/" + id.getIdPart();
    return version == null ? plain : plain + "/_history/" + version;
  }

  /** {@code Type/id} of a reference or resource id, version dropped; null for other forms. */
  static String unversioned(String reference) {
    if (reference == null || reference.startsWith("urn:") || !reference.contains("/")) {
      return null;
    }
    IdType id = new IdType(reference);
    return id.getResourceType() + "/" + id.getIdPart();
  }

  /** The Provenances that name the report as a target; ours (profile ai-provenance) first. */
  static List<Provenance> provenancesOf(String report, List<Provenance> all) {
    return all.stream()
        .filter(
            p -> p.getTarget().stream().anyMatch(t -> report.equals(unversioned(t.getReference()))))
        .sorted(Comparator.comparing(p -> p.getMeta().hasProfile(profile()) ? 0 : 1))
        .toList();
  }

  /** The Device the performer agent names, {@code Device/id}, or null. */
  static String deviceOf(Provenance p) {
    for (Provenance.ProvenanceAgentComponent a : p.getAgent()) {
      String who = unversioned(a.getWho().getReference());
      if (who != null && who.startsWith("Device/") && hasCode(a.getType(), null, PERFORMER)) {
        return who;
      }
    }
    return null;
  }

  /** Every entity: its versioned reference, or the {@code urn:dicom:uid} identifier value. */
  static List<String> inputs(Provenance p) {
    List<String> inputs = new ArrayList<>();
    for (Provenance.ProvenanceEntityComponent e : p.getEntity()) {
      Reference what = e.getWhat();
      if (what.hasReference()) {
        inputs.add(what.getReference());
      } else if (what.hasIdentifier() && what.getIdentifier().hasValue()) {
        inputs.add(what.getIdentifier().getValue());
      }
    }
    return inputs;
  }

  /** The values of the missing-input extensions. */
  static List<String> missing(Provenance p) {
    return p.getExtensionsByUrl(Profiles.EXT_MISSING_INPUT).stream()
        .map(Extension::getValue)
        .filter(v -> v != null && v.isPrimitive())
        .map(v -> v.primitiveValue())
        .toList();
  }

  /** The user the reason names ({@code requested through CDS Hooks by <userId>}), or null. */
  static String requester(Provenance p) {
    for (CodeableConcept reason : p.getReason()) {
      String text = reason.getText();
      if (text != null && text.startsWith(REQUESTED_BY)) {
        return text.substring(REQUESTED_BY.length()).strip();
      }
    }
    return null;
  }

  /** The model as its Device names it: model number, version, graph and its SHA-256. */
  static ComplianceRecord.ModelInfo model(Device d) {
    String version = d.getVersion().isEmpty() ? null : d.getVersionFirstRep().getValue();
    String graph = null;
    String sha256 = null;
    for (Device.DevicePropertyComponent prop : d.getProperty()) {
      String text = prop.getType().getText();
      if (text != null
          && text.startsWith(GRAPH_PREFIX)
          && text.endsWith(")")
          && !prop.getValueCode().isEmpty()) {
        graph = text.substring(GRAPH_PREFIX.length(), text.length() - 1);
        sha256 = prop.getValueCodeFirstRep().getText();
      }
    }
    return new ComplianceRecord.ModelInfo(d.getModelNumber(), version, graph, sha256, versioned(d));
  }

  /** True for the write-back: subtype restful-interaction#transaction, action C. */
  static boolean isWriteBack(AuditEvent e) {
    return e.getAction() == AuditEvent.AuditEventAction.C
        && e.getSubtype().stream()
            .anyMatch(
                c ->
                    RESTFUL_INTERACTION.equals(c.getSystem()) && "transaction".equals(c.getCode()));
  }

  /** The reports ({@code DiagnosticReport/id}) an AuditEvent names as entities. */
  static List<String> reportsNamed(AuditEvent e) {
    return e.getEntity().stream()
        .map(en -> unversioned(en.getWhat().getReference()))
        .filter(r -> r != null && r.startsWith("DiagnosticReport/"))
        .toList();
  }

  /** The caller from the write-back AuditEvents (oldest first; the first one speaks). */
  static ComplianceRecord.CallerInfo caller(List<AuditEvent> events) {
    AuditEvent first = events.get(0);
    String iss = null;
    String clientId = null;
    String tokenId = null;
    String user = null;
    for (AuditEvent.AuditEventAgentComponent a : first.getAgent()) {
      if (hasCode(a.getType(), DCM, "110150")) {
        iss = a.getWho().getIdentifier().getSystem();
        clientId = a.getWho().getIdentifier().getValue();
        tokenId = a.getPolicy().isEmpty() ? null : a.getPolicy().get(0).getValue();
      } else if (hasCode(a.getType(), ROLE_CLASS, "PROV")) {
        user = a.getWho().getReference();
      }
    }
    List<String> ids = events.stream().map(TrailFacts::versioned).toList();
    return new ComplianceRecord.CallerInfo(iss, clientId, user, tokenId, hookInstance(first), ids);
  }

  private static String hookInstance(AuditEvent e) {
    for (AuditEvent.AuditEventEntityComponent en : e.getEntity()) {
      if (HOOK_INSTANCE.equals(en.getWhat().getIdentifier().getSystem())) {
        return en.getWhat().getIdentifier().getValue();
      }
    }
    return null;
  }

  private static boolean hasCode(CodeableConcept cc, String system, String code) {
    for (Coding c : cc.getCoding()) {
      if (code.equals(c.getCode()) && (system == null || system.equals(c.getSystem()))) {
        return true;
      }
    }
    return false;
  }

  private static String profile() {
    return Profiles.PROFILE_PROVENANCE;
  }
}
