package org.fusioncds.smart;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.fusioncds.audit.AuditTrail;
import org.fusioncds.audit.AuditingClientInterceptor;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.fhir.FhirGateway;
import org.fusioncds.flow.AuditContext;
import org.fusioncds.model.ModelCard;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Media;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;

/**
 * What the app shows, read from the FHIR server with the user's token (never the module's), every
 * read in the audit trail with the user as agent: the DiagnosticReport the card named, checked to
 * be about the launch's patient; its key-image Media; its result Observations; its Provenance (the
 * missing inputs); its HTML form; and each lab of the model card over the model's window around the
 * study.
 */
final class ReportView {

  /** One lab over the window: its name, unit and the values in time order. */
  record Lab(String name, String unit, List<Point> points) {}

  /** One value at its time. */
  record Point(Instant time, double value) {}

  /** Everything read, ready to render. */
  record Read(
      DiagnosticReport report,
      byte[] keyImagePng,
      String keyImageType,
      List<Observation> results,
      List<String> missing,
      byte[] htmlForm,
      List<Lab> labs,
      Instant windowStart,
      Instant windowEnd) {}

  private final FhirGateway gateway;
  private final ModelCard card;
  private final AuditTrail audit;

  /**
   * @param audit every read is recorded in it (BALP Read / Query, the user as agent), as the hook's
   *     reads are; null: not audited
   */
  ReportView(FhirGateway gateway, ModelCard card, AuditTrail audit) {
    this.gateway = gateway;
    this.card = card;
    this.audit = audit;
  }

  /** Everything the page shows, read with the user's token; each read audited under {@code ctx}. */
  Read read(AppSession s, AuditContext ctx) {
    LaunchContext launch = s.launch();
    if (audit == null || ctx == null) {
      return read(s, gateway.client(launch.fhirServer(), s::accessToken));
    }
    AuditingClientInterceptor reads =
        new AuditingClientInterceptor(audit, ctx, launch.fhirServer());
    IGenericClient fhir = gateway.client(launch.fhirServer(), s::accessToken, reads);
    return reads.audited(() -> read(s, fhir));
  }

  private Read read(AppSession s, IGenericClient fhir) {
    LaunchContext launch = s.launch();
    try {
      String reportId = new IdType(launch.report()).getIdPart();
      DiagnosticReport report =
          fhir.read().resource(DiagnosticReport.class).withId(reportId).execute();
      String subject = report.getSubject().getReferenceElement().getIdPart();
      if (!launch.patientId().equals(subject)) {
        throw new AppRefusal(
            ErrorCode.SMART_PATIENT_MISMATCH,
            "the report the card names is not about the launch's patient");
      }
      if (report.getStatus() == DiagnosticReport.DiagnosticReportStatus.ENTEREDINERROR) {
        // a card issued before the withdrawal still opens the app: nothing of the result is shown
        java.util.Date when = report.getMeta().getLastUpdated();
        throw new AppRefusal(
            ErrorCode.SMART_REPORT_WITHDRAWN,
            "this AI result was withdrawn: its report was marked entered in error"
                + (when == null ? "" : " (" + when.toInstant() + ")")
                + ", and nothing of it is shown");
      }
      byte[] png = null;
      String type = null;
      if (report.hasMedia()) {
        Media m =
            fhir.read()
                .resource(Media.class)
                .withId(report.getMediaFirstRep().getLink().getReferenceElement().getIdPart())
                .execute();
        png = m.getContent().getData();
        type = m.getContent().getContentType();
      }
      List<Observation> results = new ArrayList<>();
      for (Reference r : report.getResult()) {
        results.add(
            fhir.read()
                .resource(Observation.class)
                .withId(r.getReferenceElement().getIdPart())
                .execute());
      }
      List<String> missing = missing(fhir, reportId);
      byte[] html = htmlForm(fhir, report);
      Instant study = report.getEffectiveDateTimeType().getValue().toInstant();
      Instant from = card.labWindow().from(study);
      Instant to = card.labWindow().to(study);
      List<Lab> labs = labs(fhir, launch.patientId(), from, to);
      return new Read(report, png, type, results, missing, html, labs, from, to);
    } catch (AppRefusal e) {
      throw e;
    } catch (RuntimeException e) {
      throw new AppRefusal(
          ErrorCode.SMART_FHIR_READ,
          "the report could not be read with your token — " + e.getClass().getSimpleName(),
          e);
    }
  }

  private static List<String> missing(IGenericClient fhir, String reportId) {
    Bundle b =
        fhir.search()
            .forResource(Provenance.class)
            .where(Provenance.TARGET.hasId("DiagnosticReport/" + reportId))
            .returnBundle(Bundle.class)
            .execute();
    List<String> missing = new ArrayList<>();
    for (Bundle.BundleEntryComponent e : b.getEntry()) {
      Provenance p = (Provenance) e.getResource();
      p.getExtension().stream()
          .filter(x -> x.getUrl().endsWith("missing-input") && x.getValue() instanceof StringType)
          .forEach(x -> missing.add(((StringType) x.getValue()).getValue()));
    }
    return missing;
  }

  private static byte[] htmlForm(IGenericClient fhir, DiagnosticReport report) {
    for (Attachment a : report.getPresentedForm()) {
      if ("text/html".equals(a.getContentType()) && a.hasUrl()) {
        String id = new IdType(a.getUrl()).getIdPart();
        return fhir.read().resource(Binary.class).withId(id).execute().getContent();
      }
    }
    return null;
  }

  private List<Lab> labs(IGenericClient fhir, String patient, Instant from, Instant to) {
    List<Lab> labs = new ArrayList<>();
    for (ModelCard.Feature f : card.features()) {
      if (!"observation".equals(f.source()) || f.codes() == null) {
        continue;
      }
      Bundle b =
          fhir.search()
              .forResource(Observation.class)
              .where(Observation.PATIENT.hasId(patient))
              .and(
                  Observation.CODE
                      .exactly()
                      .systemAndValues(
                          f.codes().get(0).split("\\|")[0],
                          f.codes().stream().map(c -> c.split("\\|")[1]).toList()))
              .and(Observation.DATE.afterOrEquals().millis(java.util.Date.from(from)))
              .and(Observation.DATE.beforeOrEquals().millis(java.util.Date.from(to)))
              .count(200)
              .returnBundle(Bundle.class)
              .execute();
      List<Point> points = new ArrayList<>();
      for (Bundle.BundleEntryComponent e : b.getEntry()) {
        Observation o = (Observation) e.getResource();
        if (o.hasValueQuantity()
            && o.getValueQuantity().hasValue()
            && o.hasEffectiveDateTimeType()) {
          points.add(
              new Point(
                  o.getEffectiveDateTimeType().getValue().toInstant(),
                  o.getValueQuantity().getValue().doubleValue()));
        }
      }
      points.sort(Comparator.comparing(Point::time));
      labs.add(new Lab(f.name(), f.unit(), points));
    }
    return labs;
  }
}
