package org.fusioncds.audit;

import java.time.Clock;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.fusioncds.flow.AuditContext;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventEntityComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;

/**
 * Builds the AuditEvents (FHIR R4) of fusion-cds in the shapes of IHE Basic Audit Log Patterns
 * (BALP 1.1, https://profiles.ihe.net/ITI/BALP/) and DICOM PS3.15 Annex A.5. Pure: no I/O. Every
 * event gets a random UUID id, {@code recorded} = now, and {@code source} = fusion-cds at this
 * site. The events do not claim the BALP profiles in {@code meta.profile} (the BALP package is not
 * loaded where they are validated, and failures deviate from the profiles' fixed outcome 0); each
 * method names the profile whose shape it follows.
 *
 * <p>Agents, in every event where they apply: the calling application (DCM 110150, {@code
 * who.identifier} = token {@code iss}|{@code sub}, {@code altId} = client id, {@code policy} = jti,
 * IP address; BALP OAUTHaccessTokenUse); the EHR user (v3-RoleClass PROV, {@code who.reference});
 * fusion-cds (DCM 110152 Destination when called, 110153 Source when calling); the server called
 * (DCM 110152, host name). Entities: the patient (audit-entity-type 1, object-role 1), the
 * transaction ({@code X-Request-Id}, BALP XrequestId) and the CDS Hooks {@code hookInstance}.
 */
public final class AuditEvents {

  private final String site;
  private final Clock clock;

  /** Events recorded by fusion-cds at this site ({@code source.site}). */
  public AuditEvents(String site) {
    this(site, Clock.systemUTC());
  }

  public AuditEvents(String site, Clock clock) {
    this.site = site;
    this.clock = clock;
  }

  /**
   * An inbound CDS Hooks call ({@code POST /cds-services/{id}}, CDS Hooks 2.0.1): type rest,
   * subtype restful-interaction {@code operation} plus the hook name ({@value
   * BalpCodes#CDS_HOOK_SYSTEM}), action E, outcome 0 / 4 (4xx) / 8 (5xx), outcomeDesc the FCDS
   * code. Follows BALP OAUTHaccessTokenUse for the client and the transaction entity of every BALP
   * profile; the service is an entity identified in {@value BalpCodes#CDS_SERVICE_SYSTEM}.
   */
  public AuditEvent hookCall(
      AuditContext ctx, String serviceId, String hook, int httpStatus, String outcomeCode) {
    AuditEvent e = base(BalpCodes.rest(), AuditEventAction.E, AuditParts.outcome(httpStatus));
    e.addSubtype(BalpCodes.interaction("operation"));
    if (hook != null) {
      e.addSubtype(new Coding(BalpCodes.CDS_HOOK_SYSTEM, hook, hook));
    }
    e.setOutcomeDesc(outcomeCode);
    inbound(e, ctx);
    Identifier service = new Identifier().setSystem(BalpCodes.CDS_SERVICE_SYSTEM);
    e.addEntity(
        new AuditEventEntityComponent()
            .setWhat(new Reference().setIdentifier(service.setValue(serviceId)))
            .setType(BalpCodes.entityType("2", "System Object"))
            .setDescription("POST /cds-services/" + serviceId));
    AuditParts.addContextEntities(e, ctx);
    return e;
  }

  /**
   * An inbound call of the module's own API ({@code /admin/*}, the audit query): type rest, action
   * E. With a query string it follows BALP Query (subtype search, the raw path base64 in a query
   * entity, the values of secret parameters such as the SMART app's {@code code}, {@code state} and
   * {@code launch} replaced by {@code redacted}); without, subtype operation and the path as an
   * entity description.
   */
  public AuditEvent apiCall(AuditContext ctx, String path, int httpStatus, String outcomeCode) {
    AuditEvent e = base(BalpCodes.rest(), AuditEventAction.E, AuditParts.outcome(httpStatus));
    boolean query = path.indexOf('?') >= 0;
    e.addSubtype(BalpCodes.interaction(query ? "search" : "operation"));
    e.setOutcomeDesc(outcomeCode);
    inbound(e, ctx);
    e.addEntity(
        query
            ? AuditParts.query(AuditParts.withoutSecrets(path))
            : new AuditEventEntityComponent()
                .setType(BalpCodes.entityType("2", "System Object"))
                .setDescription(path));
    AuditParts.addContextEntities(e, ctx);
    return e;
  }

  /**
   * A refused authentication (DICOM PS3.15 A.5.3 User Authentication message): type DCM 110114 User
   * Authenticated, subtype DCM 110122 Login, action E, outcome 4 (401 and other 4xx) or 8 (503 and
   * other 5xx), outcomeDesc the FCDS-70xx reason. Nothing from the token is kept: the client is
   * known only by its address. Entities: the path called (no query string) and the transaction.
   */
  public AuditEvent authenticationFailed(
      String requestId, String clientAddress, String path, String reasonCode, int httpStatus) {
    AuditEventOutcome outcome =
        httpStatus >= 500 ? AuditEventOutcome._8 : AuditEventOutcome._4; // a refusal is no success
    AuditEvent e = base(BalpCodes.dcm("110114", "User Authenticated"), AuditEventAction.E, outcome);
    e.addSubtype(BalpCodes.dcm("110122", "Login"));
    e.setOutcomeDesc(reasonCode);
    e.addAgent(AuditParts.unauthenticated(clientAddress));
    e.addAgent(AuditParts.self(false));
    int q = path.indexOf('?');
    e.addEntity(
        new AuditEventEntityComponent()
            .setType(BalpCodes.entityType("2", "System Object"))
            .setDescription(q < 0 ? path : path.substring(0, q)));
    AuditParts.transaction(requestId, null).forEach(e::addEntity);
    return e;
  }

  /**
   * An outbound FHIR read or search. read / vread follow BALP PatientRead (Read without a patient):
   * action R, the resource as a Domain Resource entity. Searches (search-type, search-system,
   * paging as {@code search}), history and operations follow BALP PatientQuery (Query): action E,
   * the raw relative request base64 in a Query entity. Outcome from the status (0 also for 3xx); a
   * failure gets outcomeDesc {@code HTTP <status>}.
   *
   * @param relativeUrl the request relative to {@code serverBase}, with its query string
   */
  public AuditEvent fhirRead(
      AuditContext ctx, String serverBase, String method, String relativeUrl, int httpStatus) {
    RestRead read = RestRead.of(method, relativeUrl);
    AuditEvent e = outboundRead(ctx, serverBase, read.action(), read.subtype(), httpStatus);
    addEntities(e, read);
    AuditParts.addContextEntities(e, ctx);
    return e;
  }

  /**
   * An outbound FHIR {@code batch} of reads (the freshness check of the cached path): one event for
   * the round trip, BALP Query shape (action E, subtype batch), with each entry as BALP records it
   * alone: a Domain Resource entity for a read ({@code Patient/1}), a Query entity with the raw
   * relative request for a search. Outcome from the batch's HTTP status (0: no answer).
   *
   * @param relativeUrls the entries' requests, relative to {@code serverBase}
   */
  public AuditEvent fhirBatchRead(
      AuditContext ctx, String serverBase, List<String> relativeUrls, int httpStatus) {
    AuditEvent e = outboundRead(ctx, serverBase, AuditEventAction.E, "batch", httpStatus);
    for (String url : relativeUrls) {
      addEntities(e, RestRead.of("GET", url));
    }
    AuditParts.addContextEntities(e, ctx);
    return e;
  }

  /** What one read names: the resource (read, vread) or the raw query (search and the rest). */
  private static void addEntities(AuditEvent e, RestRead read) {
    if (read.reference() != null) {
      e.addEntity(AuditParts.resource(read.reference()));
    }
    if (read.query() != null) {
      e.addEntity(AuditParts.query(read.query()));
    }
  }

  /**
   * The common part of an outbound read: type rest, the action and restful-interaction subtype,
   * outcome from the HTTP status ({@code no answer} for 0, else {@code HTTP <status>} on failure),
   * the requestors, ourselves and the server as agents.
   */
  private AuditEvent outboundRead(
      AuditContext ctx,
      String serverBase,
      AuditEventAction action,
      String subtype,
      int httpStatus) {
    AuditEventOutcome outcome = AuditParts.outcome(httpStatus);
    AuditEvent e = base(BalpCodes.rest(), action, outcome);
    e.addSubtype(BalpCodes.interaction(subtype));
    if (outcome != AuditEventOutcome._0) {
      e.setOutcomeDesc(httpStatus == 0 ? "no answer" : "HTTP " + httpStatus);
    }
    outbound(e, ctx, serverBase);
    return e;
  }

  /**
   * The write-back transaction (BALP PatientCreate / Create): subtype transaction, action C, one
   * Domain Resource entity per written resource whose {@code what.reference} is the versioned
   * location exactly as the server answered it ({@code DiagnosticReport/12/_history/1}).
   */
  public AuditEvent fhirWrite(
      AuditContext ctx,
      String serverBase,
      List<String> writtenLocations,
      int httpStatus,
      String outcomeCode) {
    AuditEvent e = base(BalpCodes.rest(), AuditEventAction.C, AuditParts.outcome(httpStatus));
    e.addSubtype(BalpCodes.interaction("transaction"));
    e.setOutcomeDesc(outcomeCode);
    outbound(e, ctx, serverBase);
    writtenLocations.forEach(location -> e.addEntity(AuditParts.resource(location)));
    AuditParts.addContextEntities(e, ctx);
    return e;
  }

  /**
   * One resource written by {@code PUT} (BALP Update: action U, subtype update): the review
   * Provenance of a clinician's feedback. The entity is the versioned location the server answered
   * (none when the write failed); the outcome code, if any, in outcomeDesc.
   */
  public AuditEvent fhirUpdate(
      AuditContext ctx, String serverBase, String location, int httpStatus, String outcomeCode) {
    AuditEvent e = base(BalpCodes.rest(), AuditEventAction.U, AuditParts.outcome(httpStatus));
    e.addSubtype(BalpCodes.interaction("update"));
    e.setOutcomeDesc(outcomeCode);
    outbound(e, ctx, serverBase);
    if (location != null) {
      e.addEntity(AuditParts.resource(location));
    }
    AuditParts.addContextEntities(e, ctx);
    return e;
  }

  /**
   * A DICOMweb retrieval (WADO-RS, PS3.18) as the DICOM PS3.15 A.5.3 DICOM Instances Accessed
   * message: type DCM 110103, action R, outcome 0 or 8, the study entity by Study Instance UID
   * (identifier type DCM 110180, audit-entity-type 2, object-role 3 Report) with the series and
   * instance UIDs as details when given. The PACS is the Destination Role ID agent.
   */
  public AuditEvent dicomRead(
      AuditContext ctx,
      String pacsBase,
      String studyUid,
      String seriesUid,
      String instanceUid,
      boolean ok,
      String outcomeCode) {
    AuditEventOutcome outcome = ok ? AuditEventOutcome._0 : AuditEventOutcome._8;
    AuditEvent e =
        base(BalpCodes.dcm("110103", "DICOM Instances Accessed"), AuditEventAction.R, outcome);
    e.setOutcomeDesc(outcomeCode);
    outbound(e, ctx, pacsBase);
    Identifier study = new Identifier().setValue(studyUid);
    study.setType(new CodeableConcept(BalpCodes.dcm("110180", "Study Instance UID")));
    AuditEventEntityComponent entity =
        new AuditEventEntityComponent()
            .setWhat(new Reference().setIdentifier(study))
            .setType(BalpCodes.entityType("2", "System Object"))
            .setRole(BalpCodes.objectRole("3", "Report"));
    detail(entity, "SeriesInstanceUID", seriesUid);
    detail(entity, "SOPInstanceUID", instanceUid);
    e.addEntity(entity);
    AuditParts.addContextEntities(e, ctx);
    return e;
  }

  private AuditEvent base(Coding type, AuditEventAction action, AuditEventOutcome outcome) {
    AuditEvent e = new AuditEvent();
    e.setId(UUID.randomUUID().toString());
    e.setType(type);
    e.setAction(action);
    e.setOutcome(outcome);
    e.setRecorded(Date.from(clock.instant()));
    e.getSource().setSite(site);
    e.getSource().setObserver(new Reference().setDisplay(BalpCodes.SELF));
    e.getSource().addType(new Coding(BalpCodes.AUDIT_SOURCE_TYPE, "4", "Application Server"));
    return e;
  }

  private static void inbound(AuditEvent e, AuditContext ctx) {
    AuditParts.requestors(ctx).forEach(e::addAgent);
    e.addAgent(AuditParts.self(false));
  }

  private static void outbound(AuditEvent e, AuditContext ctx, String serverBase) {
    AuditParts.requestors(ctx).forEach(e::addAgent);
    e.addAgent(AuditParts.self(true));
    e.addAgent(AuditParts.server(serverBase));
  }

  private static void detail(AuditEventEntityComponent entity, String type, String value) {
    if (value != null) {
      entity.addDetail().setType(type).setValue(new StringType(value));
    }
  }
}
