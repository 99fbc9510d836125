package org.fusioncds.audit;

import org.hl7.fhir.r4.model.Coding;

/**
 * The code systems and codes our AuditEvents (FHIR R4) use, as IHE Basic Audit Log Patterns (BALP
 * 1.1) and DICOM PS3.15 Annex A.5 name them. The compliance query reads the trail back with these
 * same constants.
 */
public final class BalpCodes {

  /** DICOM controlled terminology (PS3.16), used by BALP for event types and agent roles. */
  public static final String DCM = "http://dicom.nema.org/resources/ontology/DCM";

  public static final String AUDIT_EVENT_TYPE =
      "http://terminology.hl7.org/CodeSystem/audit-event-type";
  public static final String RESTFUL_INTERACTION = "http://hl7.org/fhir/restful-interaction";
  public static final String AUDIT_ENTITY_TYPE =
      "http://terminology.hl7.org/CodeSystem/audit-entity-type";
  public static final String OBJECT_ROLE = "http://terminology.hl7.org/CodeSystem/object-role";
  public static final String AUDIT_SOURCE_TYPE =
      "http://terminology.hl7.org/CodeSystem/security-source-type";
  public static final String ROLE_CLASS = "http://terminology.hl7.org/CodeSystem/v3-RoleClass";

  /** BALP's own entity types: {@code XrequestId} marks the transaction entity. */
  public static final String BALP_ENTITY_TYPE =
      "https://profiles.ihe.net/ITI/BALP/CodeSystem/BasicAuditEntityType";

  /** Identifier system of the CDS Hooks {@code hookInstance} entity. */
  public static final String HOOK_INSTANCE_SYSTEM = "urn:fusion-cds:hook-instance";

  /** Identifier system of the CDS service id entity of a hook call. */
  public static final String CDS_SERVICE_SYSTEM = "urn:fusion-cds:cds-service";

  /** Subtype system naming the CDS Hooks hook of a hook call ({@code patient-view}, ...). */
  public static final String CDS_HOOK_SYSTEM = "urn:fusion-cds:cds-hook";

  /** Who.display of fusion-cds itself (agent and {@code source.observer}). */
  public static final String SELF = "fusion-cds";

  private BalpCodes() {}

  /** {@code audit-event-type|rest}: the type of every RESTful event. */
  public static Coding rest() {
    return new Coding(AUDIT_EVENT_TYPE, "rest", "Restful Operation");
  }

  /** A code of {@code http://hl7.org/fhir/restful-interaction} (its display is the code). */
  public static Coding interaction(String code) {
    return new Coding(RESTFUL_INTERACTION, code, code);
  }

  public static Coding dcm(String code, String display) {
    return new Coding(DCM, code, display);
  }

  /** DCM 110150 Application: the calling EHR or client. */
  public static Coding application() {
    return dcm("110150", "Application");
  }

  /** DCM 110152 Destination Role ID. */
  public static Coding destination() {
    return dcm("110152", "Destination Role ID");
  }

  /** DCM 110153 Source Role ID. */
  public static Coding source() {
    return dcm("110153", "Source Role ID");
  }

  /** v3-RoleClass PROV (healthcare provider): the EHR user of a hook call. */
  public static Coding provider() {
    return new Coding(ROLE_CLASS, "PROV", "healthcare provider");
  }

  /** BALP BasicAuditEntityType XrequestId. */
  public static Coding xRequestId() {
    return new Coding(
        BALP_ENTITY_TYPE,
        "XrequestId",
        "transport specific unique identifier where http X-Request-Id is used");
  }

  static Coding entityType(String code, String display) {
    return new Coding(AUDIT_ENTITY_TYPE, code, display);
  }

  static Coding objectRole(String code, String display) {
    return new Coding(OBJECT_ROLE, code, display);
  }
}
