package org.fusioncds.flow;

import org.fusioncds.security.Caller;

/**
 * What every AuditEvent of one request shares (IHE BALP agents and the transaction entity): the
 * verified caller, the network address it came from, the hook instance, the request id ({@code
 * X-Request-Id}), the patient and the EHR user. Never logged: the patient id is PHI.
 *
 * @param requestId the {@code X-Request-Id} of the inbound call (generated when absent)
 * @param hookInstance the CDS Hooks {@code hookInstance}, or null outside a hook call
 * @param caller the verified caller, or null (insecure mode, failed authentication)
 * @param clientAddress the caller's network address (IP), or null
 * @param patientId the logical id of the Patient, or null when no patient is concerned
 * @param userId the hook's {@code userId} context (e.g. {@code Practitioner/123}), or null
 * @param deferral the key under which the call's outbound events wait for one durability check
 *     before its answer (the audit trail's deferral), or null: each event is durable before the
 *     action it records goes on
 */
public record AuditContext(
    String requestId,
    String hookInstance,
    Caller caller,
    String clientAddress,
    String patientId,
    String userId,
    String deferral) {

  /** A call whose events are each durable when recorded (no deferral). */
  public AuditContext(
      String requestId,
      String hookInstance,
      Caller caller,
      String clientAddress,
      String patientId,
      String userId) {
    this(requestId, hookInstance, caller, clientAddress, patientId, userId, null);
  }

  /** The same call, with its verified caller. */
  public AuditContext withCaller(Caller verified) {
    return new AuditContext(
        requestId, hookInstance, verified, clientAddress, patientId, userId, deferral);
  }

  /** The same call, once the hook request says which instance, patient and user it concerns. */
  public AuditContext withHook(String instance, String patient, String user) {
    return new AuditContext(requestId, instance, caller, clientAddress, patient, user, deferral);
  }

  /** The same call, its outbound events deferred under {@code key} (null: none). */
  public AuditContext withDeferral(String key) {
    return new AuditContext(requestId, hookInstance, caller, clientAddress, patientId, userId, key);
  }

  /** Logs carry only the request id and the hook instance. */
  @Override
  public String toString() {
    return "AuditContext[requestId=" + requestId + ", hookInstance=" + hookInstance + "]";
  }
}
