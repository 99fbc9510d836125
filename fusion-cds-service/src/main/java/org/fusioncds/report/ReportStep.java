package org.fusioncds.report;

import ca.uhn.fhir.rest.api.CacheControlDirective;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.fusioncds.audit.AuditTrail;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.flow.EvaluationInputs;
import org.fusioncds.flow.HookRequest;
import org.fusioncds.flow.InferenceResult;
import org.fusioncds.flow.Inferred;
import org.fusioncds.flow.ModelInputs;
import org.fusioncds.flow.PatientContext;
import org.fusioncds.flow.Profiles;
import org.fusioncds.flow.ReportFollows;
import org.fusioncds.flow.ReportRequest;
import org.fusioncds.flow.Reported;
import org.fusioncds.flow.ResultKey;
import org.fusioncds.flow.StoredReport;
import org.fusioncds.model.ModelCard;
import org.fusioncds.report.form.PresentedForms;
import org.fusioncds.report.form.ReportForms;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code report} step: looks up a report already written for the same result key (the cached
 * path), and writes the preliminary DiagnosticReport, its Observations, the model's Device and the
 * Provenance in one transaction (sent under {@link TransactionRetry}), the report's HTML and PDF
 * forms and its key image ({@link ReportForms}) and the model card as a DocumentReference ({@link
 * ModelCardDocument}) inside the same transaction. Coded errors: 6001 the FHIR server refused the
 * transaction, 6002 it cannot be reached, 6003 its answer names no DiagnosticReport, 6005 it kept
 * answering 409/412.
 */
public final class ReportStep {

  private static final Logger LOG = LoggerFactory.getLogger(ReportStep.class);

  /**
   * {@code Cache-Control: no-cache, no-store} on the searches for one report (by result key, by
   * id): never answered from a server's cache of earlier searches, and nothing of them kept there.
   * HAPI FHIR JPA then runs the search at once without storing it and its results (no paging: these
   * answers are one report and its few Observations and Provenance, never a next page).
   */
  private static final CacheControlDirective NOT_KEPT =
      new CacheControlDirective().setNoCache(true).setNoStore(true);

  private final ModelCard card;
  private final String organization;
  private final AuditTrail audit;
  private final TransactionRetry transactions;
  private final ReportForms forms;
  private final ModelCardDocument cardDocument;

  /** Without the model card's DocumentReference (tests of the write path that do not read it). */
  public ReportStep(
      ModelCard card, String organization, AuditTrail audit, TransactionRetry transactions) {
    this(card, null, organization, audit, transactions);
  }

  /**
   * @param cardDocument the model card file as the transaction writes it (a DocumentReference the
   *     Device and the Provenance name), null: none
   */
  public ReportStep(
      ModelCard card,
      ModelCardDocument cardDocument,
      String organization,
      AuditTrail audit,
      TransactionRetry transactions) {
    this.card = card;
    this.cardDocument = cardDocument;
    this.organization = organization == null || organization.isBlank() ? null : organization;
    this.audit = audit;
    this.transactions = transactions;
    this.forms = new ReportForms(card);
  }

  /**
   * The cached path: a {@link StoredReport} when a report carries the key, else the inputs. No
   * request when the stored reports' keys read beside the labs rule the key out (the first call
   * after new data); otherwise the lookup by the key ({@link #lookUpExisting}).
   */
  public Object findExisting(EvaluationInputs in) {
    if (in.gathered().clinical().storedKeys().rulesOut(in.key())) {
      return in;
    }
    return lookUpExisting(in);
  }

  /** The lookup by the result key, whatever was read before: the report now, with its findings. */
  private Object lookUpExisting(EvaluationInputs in) {
    PatientContext c = in.context();
    Bundle found = c.reads().audited(() -> lookUp(c, in.key()));
    for (Bundle.BundleEntryComponent e : found.getEntry()) {
      if (e.getResource() instanceof DiagnosticReport d) {
        return new StoredReport(in, url(c.fhirBase(), d.getIdElement()), found);
      }
    }
    return in;
  }

  private static Bundle lookUp(PatientContext c, ResultKey key) {
    return call(
        () ->
            c.fhir()
                .search()
                .forResource(DiagnosticReport.class)
                .where(
                    DiagnosticReport.IDENTIFIER
                        .exactly()
                        .systemAndCode(ResultKey.SYSTEM, key.value()))
                .include(DiagnosticReport.INCLUDE_RESULT)
                .cacheControl(NOT_KEPT)
                .returnBundle(Bundle.class)
                .execute(),
        "DiagnosticReport?identifier");
  }

  /**
   * The result as the card shows it before the report is written ({@code
   * cds.card-timing=before-report}), with the URL the transaction will write the report at (its id
   * derived from the result key).
   */
  public ReportFollows follows(Inferred inferred) {
    PatientContext c = inferred.inputs().context();
    return new ReportFollows(
        inferred,
        request(inferred),
        c.fhirBase() + "/DiagnosticReport/" + ReportBundleBuilder.reportId(inferred.key()));
  }

  /**
   * A write that does not follow its own lookup at once (a background write, or one sent again
   * after a failure): when a report already carries the result key, that report is the answer and
   * nothing is written. An earlier attempt can land with its answer lost (a gateway's 504 after the
   * server committed, a connection cut), another replica can write the same key, and the report may
   * have been amended, finalised or withdrawn since: answering with that report spares a
   * transaction the server would refuse (the report's PUT replaces only a preliminary report of the
   * same key, {@link ReportBundleBuilder#reportUpdate}). Otherwise as {@link #write}, whose refusal
   * (a change between this lookup and the transaction) also ends on the report found by its key.
   */
  public Reported writeAgain(Inferred inferred) {
    if (lookUpExisting(inferred.inputs()) instanceof StoredReport stored) {
      LOG.info(
          "job {}: the report of result key {} is on the server already ({}): not written again",
          inferred.job().jobId(),
          inferred.key().value(),
          stored.report().getStatusElement().getValueAsString());
      // named without its version: the index remembers no report it cannot prove by version
      // (RecallStep.remember); what it holds may be a clinician's, not this computation's
      return new Reported(inferred, request(inferred), stored.reportUrl(), null);
    }
    return write(inferred);
  }

  /**
   * Writes the transaction: {@link Reported} with the report's URL. Two transactions that create
   * the same Device (or report) at once make the server answer 409 to one of them: that one is sent
   * again, and its conditional creates then find what the other wrote. A report someone changed
   * since the lookup (finalised, withdrawn) is never replaced: the report's conditional PUT answers
   * 409 on every attempt. When the conflicts outlast the retries, the report left for the same
   * result key is the answer.
   */
  public Reported write(Inferred inferred) {
    PatientContext c = inferred.inputs().context();
    ReportRequest report = request(inferred);
    PresentedForms rendered =
        forms.render(inferred, report, ReportBundleBuilder.provenanceId(report.key()));
    if (LOG.isDebugEnabled()) {
      LOG.debug("job {}: {} in {} ms", inferred.job().jobId(), rendered, rendered.timings());
    }
    Bundle response;
    try {
      response =
          transactions.send(
              c.fhir(), ReportBundleBuilder.build(report, cardDocument, rendered, c.fhirBase()));
    } catch (FcdsException e) {
      audit.record(
          c.audit(), audit.events().fhirWrite(c.audit(), c.fhirBase(), List.of(), 0, e.codeText()));
      if (e.errorCode() == ErrorCode.REPORT_RETRIES_EXHAUSTED) {
        // the conflicts came from a concurrent write of the same inputs, or from a report someone
        // changed since the lookup (the report's PUT replaces only a preliminary one of its key):
        // the report there with the same result key is the answer, named without its version, so
        // the index never remembers this computation's findings under a version that may be a
        // clinician's (as writeAgain); otherwise the failure stands
        Object existing = lookUpExisting(inferred.inputs());
        if (existing instanceof StoredReport stored) {
          return new Reported(inferred, report, stored.reportUrl(), null);
        }
      }
      throw e;
    }
    List<String> written = new ArrayList<>();
    String reportUrl = null;
    String reportVersion = null;
    for (Bundle.BundleEntryComponent e : response.getEntry()) {
      String location = e.getResponse().getLocation();
      if (location != null) {
        written.add(location);
      }
      if (location != null && location.startsWith("DiagnosticReport/")) {
        IdType id = new IdType(location);
        reportUrl = url(c.fhirBase(), id);
        reportVersion = id.hasVersionIdPart() ? id.getVersionIdPart() : null;
      }
    }
    audit.record(c.audit(), audit.events().fhirWrite(c.audit(), c.fhirBase(), written, 200, null));
    if (reportUrl == null) {
      throw new FcdsException(
          ErrorCode.REPORT_ANSWER_INCOMPLETE, "the transaction answer names no DiagnosticReport");
    }
    return new Reported(inferred, report, reportUrl, reportVersion);
  }

  /**
   * What a stored report holds, as a card shows it: its findings read back from its Observations
   * (value, interpretation POS), its times, and the inputs of the case that found it.
   */
  public ReportRequest stored(StoredReport s) {
    ModelInputs inputs = s.inputs().inputs();
    return stored(
        s.key(),
        s.inputs().context().request().patientId(),
        s.report(),
        s.stored(),
        inputs.referenceStrings(),
        inputs.missingNames(),
        forms.readable(s.inputs()));
  }

  /**
   * A report another process wrote (an evaluation worker), read back by its id with its
   * Observations and its Provenance: one search, {@code _include} and {@code _revinclude}.
   */
  public Bundle readBack(IGenericClient fhir, String reportUrl) {
    IdType id = new IdType(reportUrl);
    return call(
        () ->
            fhir.search()
                .forResource(DiagnosticReport.class)
                .where(DiagnosticReport.RES_ID.exactly().code(id.getIdPart()))
                .include(DiagnosticReport.INCLUDE_RESULT)
                .revInclude(Provenance.INCLUDE_TARGET)
                .cacheControl(NOT_KEPT)
                .returnBundle(Bundle.class)
                .execute(),
        "DiagnosticReport?_id");
  }

  /**
   * What a report read back ({@link #readBack}) holds, as a card shows it: the inputs and those
   * missing as its Provenance names them. FCDS-1094 when the answer holds no such report.
   */
  public ReportRequest readBack(ResultKey key, String patientId, Bundle found) {
    DiagnosticReport report = reportIn(found, key);
    List<String> inputs = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (Bundle.BundleEntryComponent e : found.getEntry()) {
      if (e.getResource() instanceof Provenance p) {
        for (Provenance.ProvenanceEntityComponent en : p.getEntity()) {
          // a versioned FHIR reference, or a DICOM instance named by its UID (urn:oid:…)
          Reference what = en.getWhat();
          if (what.hasReference()) {
            inputs.add(what.getReference());
          } else if (what.hasIdentifier() && what.getIdentifier().hasValue()) {
            inputs.add(what.getIdentifier().getValue());
          }
        }
        p.getExtensionsByUrl(Profiles.EXT_MISSING_INPUT)
            .forEach(x -> missing.add(x.getValue().primitiveValue()));
      }
    }
    return stored(key, patientId, report, found, inputs, missing, null);
  }

  /**
   * The DiagnosticReport of an answer read back ({@link #readBack}) for the result key {@code key};
   * FCDS-1094 when it holds none.
   */
  public static DiagnosticReport reportIn(Bundle found, ResultKey key) {
    for (Bundle.BundleEntryComponent e : found.getEntry()) {
      if (e.getResource() instanceof DiagnosticReport d) {
        return d;
      }
    }
    throw new FcdsException(
        ErrorCode.JOB_REPORT_MISSING,
        "the report an evaluation worker wrote is not on the FHIR server — result key "
            + key.value());
  }

  private ReportRequest stored(
      ResultKey key,
      String patientId,
      DiagnosticReport d,
      Bundle found,
      List<String> inputs,
      List<String> missing,
      ReportRequest.Readable readable) {
    List<ReportRequest.Finding> findings = new ArrayList<>();
    ModelCard.Output out = card.outputs().get(0);
    for (Bundle.BundleEntryComponent e : found.getEntry()) {
      if (e.getResource() instanceof Observation o && o.hasValueQuantity()) {
        findings.add(
            new ReportRequest.Finding(
                out.tensor(),
                new ReportRequest.Coding(
                    out.code().system(), out.code().code(), out.code().display()),
                o.getValueQuantity().getValue().doubleValue(),
                out.threshold(),
                "POS".equals(o.getInterpretationFirstRep().getCodingFirstRep().getCode())));
      }
    }
    return new ReportRequest(
        key,
        patientId,
        null,
        d.getEffectiveDateTimeType().getValue().toInstant(),
        d.getIssued().toInstant(),
        model(null),
        new ReportRequest.Coding(
            card.report().system(), card.report().code(), card.report().display()),
        findings,
        inputs,
        missing,
        null,
        null,
        readable,
        null);
  }

  /** What the write-back needs, from the inferred stage. */
  public ReportRequest request(Inferred inferred) {
    InferenceResult r = inferred.result();
    ModelInputs in = inferred.inputs().inputs();
    HookRequest hook = inferred.inputs().context().request();
    List<ReportRequest.Finding> findings = new ArrayList<>();
    for (InferenceResult.OutputResult o : r.outputs()) {
      findings.add(
          new ReportRequest.Finding(
              o.tensor(),
              new ReportRequest.Coding(o.code().system(), o.code().code(), o.code().display()),
              o.probability(),
              o.threshold(),
              o.positive()));
    }
    List<String> inputs = in.referenceStrings();
    String study =
        inputs.stream().filter(i -> i.startsWith("ImagingStudy/")).findFirst().orElse(null);
    return new ReportRequest(
        inferred.key(),
        hook.patientId(),
        study,
        in.studyTime(),
        Instant.now(),
        model(r),
        new ReportRequest.Coding(
            card.report().system(), card.report().code(), card.report().display()),
        findings,
        inputs,
        in.missingNames(),
        organization,
        hook.userId(),
        forms.readable(inferred.inputs()),
        inferred.inputs().context().evaluationTime());
  }

  /** The model as the report names it. */
  public ReportRequest.Model model(InferenceResult r) {
    String graph = r == null ? card.fusion().defaultGraph() : r.graph();
    String sha = r == null ? card.graphs().get(graph).sha256() : r.graphSha256().get(graph);
    return new ReportRequest.Model(
        card.id(), card.version(), card.name(), graph, sha, card.warning());
  }

  /**
   * The absolute URL of the HTML form of the report with this key on the server of {@code
   * reportUrl} ({@code <base>/DiagnosticReport/<id>}): the card's link, opened as the server serves
   * a Binary to a browser (its content, {@code text/html}).
   */
  public static String htmlUrl(String reportUrl, ResultKey key) {
    int at = reportUrl.lastIndexOf("/DiagnosticReport/");
    return at < 0 ? null : reportUrl.substring(0, at) + "/Binary/" + FormEntries.htmlId(key);
  }

  private static String url(String base, IdType id) {
    return base + "/DiagnosticReport/" + id.getIdPart();
  }

  private static <T> T call(java.util.function.Supplier<T> request, String what) {
    try {
      return request.get();
    } catch (FhirClientConnectionException e) {
      throw new FcdsException(
          ErrorCode.REPORT_FHIR_UNREACHABLE, "the FHIR server cannot be reached — " + what, e);
    } catch (BaseServerResponseException e) {
      throw new FcdsException(
          ErrorCode.REPORT_READ_REFUSED,
          "the FHIR server answered HTTP " + e.getStatusCode() + " — " + what);
    }
  }
}
