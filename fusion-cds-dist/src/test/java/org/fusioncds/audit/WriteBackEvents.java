package org.fusioncds.audit;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;

/**
 * AuditEvents of the write-back as the audit trail records it (IHE BALP 1.1 shape): subtype
 * restful-interaction#transaction, action C, the EHR as application agent (DCM#110150, its token's
 * iss and sub, the jti as policy), the user (v3-RoleClass#PROV), the written resources and the hook
 * instance as entities.
 */
final class WriteBackEvents {

  private WriteBackEvents() {}

  /** The calling EHR and its user, as their token and the hook name them. */
  record Ehr(String iss, String clientId, String tokenId, String user, String hookInstance) {}

  static AuditEvent writeBack(Ehr ehr, List<String> written, Instant recorded) {
    AuditEvent e = base(recorded);
    e.addSubtype(new Coding(TrailFacts.RESTFUL_INTERACTION, "transaction", "transaction"));
    e.setAction(AuditEvent.AuditEventAction.C);
    agents(e, ehr);
    written.forEach(w -> e.addEntity().setWhat(new Reference(w)));
    e.addEntity()
        .setWhat(
            new Reference()
                .setIdentifier(
                    new Identifier()
                        .setSystem(TrailFacts.HOOK_INSTANCE)
                        .setValue(ehr.hookInstance())));
    return e;
  }

  /** A read of the same report (the cached hook path): not the write-back. */
  static AuditEvent read(Ehr ehr, String report, Instant recorded) {
    AuditEvent e = base(recorded);
    e.addSubtype(new Coding(TrailFacts.RESTFUL_INTERACTION, "read", "read"));
    e.setAction(AuditEvent.AuditEventAction.R);
    agents(e, ehr);
    e.addEntity().setWhat(new Reference(report));
    return e;
  }

  private static AuditEvent base(Instant recorded) {
    AuditEvent e = new AuditEvent();
    e.setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest", null));
    e.setRecorded(Date.from(recorded));
    e.setOutcome(AuditEvent.AuditEventOutcome._0);
    e.getSource().setObserver(new Reference().setDisplay("fusion-cds"));
    return e;
  }

  private static void agents(AuditEvent e, Ehr ehr) {
    AuditEvent.AuditEventAgentComponent app = e.addAgent();
    app.setType(new CodeableConcept(new Coding(TrailFacts.DCM, "110150", "Application")));
    app.setWho(
        new Reference()
            .setIdentifier(new Identifier().setSystem(ehr.iss()).setValue(ehr.clientId())));
    app.setRequestor(true);
    app.addPolicy(ehr.tokenId());
    AuditEvent.AuditEventAgentComponent user = e.addAgent();
    user.setType(
        new CodeableConcept(new Coding(TrailFacts.ROLE_CLASS, "PROV", "healthcare provider")));
    user.setWho(new Reference(ehr.user()));
    user.setRequestor(true);
  }
}
