package org.fusioncds.audit;

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
 */
public record AuditContext(
    String requestId,
    String hookInstance,
    Caller caller,
    String clientAddress,
    String patientId,
    String userId) {

  /** Logs carry only the request id and the hook instance. */
  @Override
  public String toString() {
    return "AuditContext[requestId=" + requestId + ", hookInstance=" + hookInstance + "]";
  }
}
