package org.fusioncds.audit;

import org.hl7.fhir.r4.model.AuditEvent;

/**
 * What the flow calls to audit (IHE BALP AuditEvents, FHIR R4): {@link #events()} builds an event,
 * {@link #record} puts it in the durable spool, from where an {@link AuditShipper} sends it to the
 * audit repository. Recording is synchronous and fails closed: when the event cannot be written to
 * disk the caller gets FCDS-7071 and must not go on with the audited action.
 */
public final class AuditTrail {

  private final AuditSpool spool;
  private final AuditEvents events;

  public AuditTrail(AuditSpool spool, String siteName) {
    this.spool = spool;
    this.events = new AuditEvents(siteName);
  }

  /** The builders, with this trail's site as {@code source.site}. */
  public AuditEvents events() {
    return events;
  }

  /** The spool the events go to. */
  public AuditSpool spool() {
    return spool;
  }

  /**
   * Writes the event durably.
   *
   * @throws org.fusioncds.error.FcdsException 7071 when it cannot be written, 7070 when it has no
   *     id
   */
  public void record(AuditEvent event) {
    spool.append(event);
  }
}
