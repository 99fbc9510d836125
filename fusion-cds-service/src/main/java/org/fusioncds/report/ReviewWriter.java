package org.fusioncds.report;

import ca.uhn.fhir.rest.api.CacheControlDirective;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import org.fusioncds.audit.AuditTrail;
import org.fusioncds.audit.AuditingClientInterceptor;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.Traces;
import org.fusioncds.flow.AuditContext;
import org.fusioncds.flow.ResultKey;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Provenance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a clinician's feedback on a result card to the FHIR server of the report it reviewed, as a
 * {@link ReviewProvenance}: finds the report by its result key (one search, audited), then {@code
 * PUT Provenance/<id derived from the feedback>} with the module's own token (audited as a BALP
 * Update). Called after the feedback is stored, so a failure loses nothing: it is logged (WARN,
 * code, card uuid; never the user or the patient) and audited with its code, and posting the same
 * feedback again writes it then. Feedback on a card that showed no report (analysis running, not
 * evaluable) reviews nothing and writes nothing.
 */
public final class ReviewWriter {

  private static final Logger LOG = LoggerFactory.getLogger(ReviewWriter.class);

  private final AuditTrail audit;
  private final BiFunction<String, AuditingClientInterceptor, IGenericClient> clients;
  private final Predicate<String> allowed;

  /** What became of one feedback item. */
  public record Outcome(String location, ErrorCode failure) {

    static final Outcome NOTHING_TO_REVIEW = new Outcome(null, null);
  }

  /**
   * @param clients a client for a FHIR base with the module's own token and the given audit
   *     interceptor
   * @param allowed whether a FHIR base is on the outbound allowlist ({@code security.fhir-servers})
   */
  public ReviewWriter(
      AuditTrail audit,
      BiFunction<String, AuditingClientInterceptor, IGenericClient> clients,
      Predicate<String> allowed) {
    this.audit = audit;
    this.clients = clients;
    this.allowed = allowed;
  }

  /** Writes the review of one stored feedback item; never throws. */
  public Outcome write(ReviewProvenance.Feedback f, AuditContext call) {
    try {
      return tryWrite(f, call);
    } catch (RuntimeException e) {
      // an answer HAPI could not parse, an audit event not spooled (FCDS-7071), a bad timestamp
      LOG.warn(
          "{}: the review of card {} failed: {}",
          ErrorCode.REVIEW_WRITE_FAILED.codeText(),
          f.card(),
          Traces.withoutMessages(e));
      return new Outcome(null, ErrorCode.REVIEW_WRITE_FAILED);
    }
  }

  private Outcome tryWrite(ReviewProvenance.Feedback f, AuditContext call) {
    if (f.reportUrl() == null || f.resultKey() == null) {
      return Outcome.NOTHING_TO_REVIEW;
    }
    int at = f.reportUrl().lastIndexOf("/DiagnosticReport/");
    String base = at < 0 ? null : f.reportUrl().substring(0, at);
    AuditContext ctx =
        call.withHook(
            call.hookInstance(),
            call.patientId(),
            f.reviewer() == null ? call.userId() : f.reviewer().reference());
    if (base == null || !allowed.test(base)) {
      return notWritten(
          ctx, String.valueOf(base), 400, ErrorCode.REVIEW_SERVER_REFUSED, f, "off the allowlist");
    }
    AuditingClientInterceptor reads = new AuditingClientInterceptor(audit, ctx, base);
    IGenericClient fhir = clients.apply(base, reads);
    String version;
    try {
      version = reads.audited(() -> reportVersion(fhir, f.resultKey()));
    } catch (BaseServerResponseException e) { // a connection failure too
      return notWritten(
          ctx,
          base,
          e.getStatusCode(),
          ErrorCode.REVIEW_REPORT_NOT_FOUND,
          f,
          "the search failed: " + kind(e));
    }
    if (version == null) {
      return notWritten(
          ctx, base, 404, ErrorCode.REVIEW_REPORT_NOT_FOUND, f, "no report has the result key");
    }
    Provenance p = ReviewProvenance.of(f, version);
    try {
      MethodOutcome o = fhir.update().resource(p).execute();
      String location = o.getId().toUnqualified().getValue();
      audit.record(
          audit
              .events()
              .fhirUpdate(
                  ctx, base, location, Boolean.TRUE.equals(o.getCreated()) ? 201 : 200, null));
      return new Outcome(location, null);
    } catch (BaseServerResponseException e) { // no answer: status 0
      return notWritten(ctx, base, e.getStatusCode(), ErrorCode.REVIEW_WRITE_FAILED, f, kind(e));
    }
  }

  /**
   * A review not written: in the audit trail as a failed BALP Update without entity, with the code
   * (status: the server's, 0 without an answer, 404 for a report not found, 400 for a server off
   * the allowlist), and logged.
   */
  private Outcome notWritten(
      AuditContext ctx,
      String base,
      int status,
      ErrorCode code,
      ReviewProvenance.Feedback f,
      String why) {
    audit.record(audit.events().fhirUpdate(ctx, base, null, status, code.codeText()));
    return failed(code, f, why);
  }

  /** {@code DiagnosticReport/<id>/_history/<v>} of the report with the key, or null. */
  private static String reportVersion(IGenericClient fhir, String resultKey) {
    Bundle b =
        fhir.search()
            .forResource(DiagnosticReport.class)
            .where(DiagnosticReport.IDENTIFIER.exactly().systemAndCode(ResultKey.SYSTEM, resultKey))
            .cacheControl(new CacheControlDirective().setNoCache(true))
            .returnBundle(Bundle.class)
            .execute();
    for (Bundle.BundleEntryComponent e : b.getEntry()) {
      if (e.getResource() instanceof DiagnosticReport d) {
        IdType id = d.getIdElement();
        return "DiagnosticReport/" + id.getIdPart() + "/_history/" + id.getVersionIdPart();
      }
    }
    return null;
  }

  private static Outcome failed(ErrorCode code, ReviewProvenance.Feedback f, String why) {
    // the card uuid names the feedback; no user, patient or report id in the log
    LOG.warn(
        "{}: {} — the review of card {} ({}) is not on the FHIR server; the feedback is stored",
        code.codeText(),
        code.meaning(),
        f.card(),
        why);
    return new Outcome(null, code);
  }

  private static String kind(RuntimeException e) {
    return e instanceof FhirClientConnectionException
        ? "no answer"
        : e instanceof BaseServerResponseException s
            ? "HTTP " + s.getStatusCode()
            : e.getClass().getSimpleName();
  }
}
