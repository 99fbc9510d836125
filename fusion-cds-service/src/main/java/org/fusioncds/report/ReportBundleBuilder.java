package org.fusioncds.report;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.fusioncds.flow.Profiles;
import org.fusioncds.flow.ReportRequest;
import org.fusioncds.flow.ResultKey;
import org.fusioncds.report.form.PresentedForms;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;

/**
 * Builds the write-back transaction (FHIR R4 Bundle type transaction): the model's Device (created
 * once, conditional on its identifier), a preliminary DiagnosticReport (written at an id derived
 * from the result key, never over a report someone changed: {@link #reportUpdate}) and its
 * Observations (conditional on the result key), and a Provenance (at an id derived from the key as
 * well) whose targets are the report, its Observations and its key image Media, whose agents are
 * the Device and the organisation, and whose entities are every input version used. The report's
 * presentedForm (HTML and PDF Binaries) and key image Media come from {@link FormEntries}.
 */
public final class ReportBundleBuilder {

  public static final String MODEL_SYSTEM = "urn:fusion-cds:model";

  private static final String OBSERVATION_VALUE =
      "http://terminology.hl7.org/CodeSystem/v3-ObservationValue";
  private static final String INTERPRETATION =
      "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";

  private ReportBundleBuilder() {}

  /**
   * The transaction without model card, presentedForm or Media (what the audit trail's tests
   * write).
   */
  public static Bundle build(ReportRequest r) {
    return build(r, null, null, null);
  }

  /**
   * The transaction of a new report with its model card and forms.
   *
   * @param card the model card document (null: none)
   * @param forms the rendered forms (null: none)
   * @param fhirBase the server the forms' URLs name (null: relative URLs)
   */
  public static Bundle build(
      ReportRequest r, ModelCardDocument card, PresentedForms forms, String fhirBase) {
    Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    String deviceUrl = uuid();
    String reportUrl = uuid();
    String cardUrl = card == null ? null : uuid();
    Device device = device(r, card, cardUrl);
    add(
        bundle,
        deviceUrl,
        device,
        "Device?identifier=" + MODEL_SYSTEM + "|" + r.model().identifier());
    List<Reference> results = new ArrayList<>();
    List<String> targets = new ArrayList<>(List.of(reportUrl));
    for (ReportRequest.Finding f : r.findings()) {
      String obsUrl = uuid();
      Observation o = observation(r, f, deviceUrl);
      add(
          bundle,
          obsUrl,
          o,
          "Observation?identifier=" + ResultKey.SYSTEM + "|" + observationKey(r, f));
      results.add(new Reference(obsUrl));
      targets.add(obsUrl);
    }
    DiagnosticReport report = report(r, results);
    report.setId(reportId(r.key()));
    bundle
        .addEntry()
        .setFullUrl(reportUrl)
        .setResource(report)
        .getRequest()
        .setMethod(Bundle.HTTPVerb.PUT)
        .setUrl(reportUpdate(r.key()));
    if (forms != null) {
      String mediaUrl = FormEntries.add(bundle, r, forms, fhirBase, report, reportUrl);
      if (mediaUrl != null) {
        targets.add(mediaUrl);
      }
    }
    if (card != null) {
      add(
          bundle,
          cardUrl,
          ModelCardEntry.documentReference(card, r),
          "DocumentReference?identifier=" + ModelCardDocument.SYSTEM + "|" + card.identifier());
    }
    Provenance provenance = provenance(r, targets, deviceUrl, cardUrl);
    bundle
        .addEntry()
        .setFullUrl(uuid())
        .setResource(provenance)
        .getRequest()
        .setMethod(Bundle.HTTPVerb.PUT)
        .setUrl("Provenance/" + provenance.getIdElement().getIdPart());
    return bundle;
  }

  private static void add(Bundle bundle, String fullUrl, Resource resource, String ifNoneExist) {
    bundle
        .addEntry()
        .setFullUrl(fullUrl)
        .setResource(resource)
        .getRequest()
        .setMethod(Bundle.HTTPVerb.POST)
        .setUrl(resource.fhirType())
        .setIfNoneExist(ifNoneExist);
  }

  static String observationKey(ReportRequest r, ReportRequest.Finding f) {
    return r.key().value() + "-" + f.outputName();
  }

  private static Device device(ReportRequest r, ModelCardDocument card, String cardUrl) {
    Device d = new Device();
    d.getMeta().addProfile(Profiles.PROFILE_DEVICE);
    d.addIdentifier(new Identifier().setSystem(MODEL_SYSTEM).setValue(r.model().identifier()));
    d.setStatus(Device.FHIRDeviceStatus.ACTIVE);
    d.addDeviceName().setName(r.model().name()).setType(Device.DeviceNameType.MODELNAME);
    d.setModelNumber(r.model().id());
    d.addVersion().setValue(r.model().version());
    CodeableConcept type =
        new CodeableConcept(
            new Coding(
                Profiles.CS_AI_DEVICE_TYPE,
                "Artificial-Intelligence",
                "All kinds of Artificial Intelligence"));
    type.addCoding(
        new Coding("http://snomed.info/sct", "706689003", "Application program software"));
    d.setType(type); // AI Transparency on FHIR: AIDevice.type
    if (card != null) {
      // AI Transparency on FHIR: AIDevice.extension[modelCardDescription] and [aiKind]
      d.addExtension(Profiles.EXT_MODEL_CARD, new Reference(cardUrl));
      for (String kind : card.kind()) {
        d.addExtension(
            Profiles.EXT_AI_KIND,
            new CodeableConcept(new Coding(Profiles.CS_AI_DEVICE_TYPE, kind, null)));
      }
    }
    d.addProperty()
        .setType(new CodeableConcept().setText("graph sha256 (" + r.model().graph() + ")"))
        .addValueCode(new CodeableConcept().setText(r.model().sha256()));
    d.addNote().setText(r.model().disclaimer());
    return d;
  }

  private static Observation observation(
      ReportRequest r, ReportRequest.Finding f, String deviceUrl) {
    Observation o = new Observation();
    o.getMeta().addProfile(Profiles.PROFILE_OBSERVATION);
    o.getMeta().addSecurity(aiast());
    o.addIdentifier(new Identifier().setSystem(ResultKey.SYSTEM).setValue(observationKey(r, f)));
    o.setStatus(Observation.ObservationStatus.PRELIMINARY);
    o.addCategory(
        new CodeableConcept(
            new Coding(
                "http://terminology.hl7.org/CodeSystem/observation-category",
                "imaging",
                "Imaging")));
    o.setCode(
        new CodeableConcept(coding(f.code()))
            .setText("Probability of " + f.code().display().toLowerCase(Locale.ROOT) + " (AI)"));
    o.setSubject(new Reference("Patient/" + r.patientId()));
    o.setEffective(new DateTimeType(Date.from(r.studyTime())));
    o.setIssuedElement(new InstantType(Date.from(r.issued())));
    o.setValue(
        new Quantity()
            .setValue(round(f.probability()))
            .setUnit("probability")
            .setSystem("http://unitsofmeasure.org")
            .setCode("1"));
    o.addInterpretation(
        new CodeableConcept(
            f.positive()
                ? new Coding(INTERPRETATION, "POS", "Positive")
                : new Coding(INTERPRETATION, "NEG", "Negative")));
    o.addReferenceRange()
        .setText("decision threshold " + f.threshold())
        .setLow(
            new Quantity()
                .setValue(f.threshold())
                .setSystem("http://unitsofmeasure.org")
                .setCode("1"));
    o.setDevice(new Reference(deviceUrl));
    // AI Transparency on FHIR: the AI's confidence that this result (its interpretation) is right
    o.addExtension(
        Profiles.EXT_AI_CONFIDENCE,
        new org.hl7.fhir.r4.model.DecimalType(
            round(f.positive() ? f.probability() : 1 - f.probability())));
    o.setMethod(new CodeableConcept().setText(r.model().name() + " " + r.model().version()));
    if (r.imagingStudy() != null) {
      o.addDerivedFrom(new Reference(r.imagingStudy()));
    }
    o.addNote().setText(r.model().disclaimer());
    return o;
  }

  private static DiagnosticReport report(ReportRequest r, List<Reference> results) {
    DiagnosticReport d = new DiagnosticReport();
    d.getMeta().addProfile(Profiles.PROFILE_REPORT);
    d.getMeta().addSecurity(aiast());
    d.addIdentifier(new Identifier().setSystem(ResultKey.SYSTEM).setValue(r.key().value()));
    d.setStatus(DiagnosticReport.DiagnosticReportStatus.PRELIMINARY);
    d.addCategory(
        new CodeableConcept(
            new Coding("http://terminology.hl7.org/CodeSystem/v2-0074", "RAD", "Radiology")));
    d.setCode(new CodeableConcept(coding(r.reportCode())));
    d.setSubject(new Reference("Patient/" + r.patientId()));
    d.setEffective(new DateTimeType(Date.from(r.studyTime())));
    d.setIssuedElement(new InstantType(Date.from(r.issued())));
    if (r.imagingStudy() != null) {
      d.addImagingStudy(new Reference(r.imagingStudy()));
    }
    d.setResult(results);
    d.setConclusion(conclusion(r));
    for (ReportRequest.Finding f : r.findings()) {
      if (f.positive()) {
        d.addConclusionCode(new CodeableConcept(coding(f.code())));
      }
    }
    return d;
  }

  private static String conclusion(ReportRequest r) {
    StringBuilder s = new StringBuilder("AI-generated, preliminary. ");
    for (ReportRequest.Finding f : r.findings()) {
      s.append(f.code().display())
          .append(f.positive() ? " suggested" : " not suggested")
          .append(
              String.format(
                  Locale.ROOT,
                  " (probability %.2f, threshold %.2f). ",
                  f.probability(),
                  f.threshold()));
    }
    if (!r.missing().isEmpty()) {
      s.append("Inputs missing: ").append(String.join(", ", r.missing())).append(". ");
    }
    return s.append(r.model().disclaimer()).toString();
  }

  private static Provenance provenance(
      ReportRequest r, List<String> targets, String deviceUrl, String cardUrl) {
    Provenance p = new Provenance();
    p.setId(provenanceId(r.key()));
    p.getMeta().addProfile(Profiles.PROFILE_PROVENANCE);
    targets.forEach(t -> p.addTarget(new Reference(t)));
    p.setRecordedElement(new InstantType(Date.from(r.issued())));
    p.setActivity(
        new CodeableConcept(
            new Coding(
                "http://terminology.hl7.org/CodeSystem/v3-DataOperation", "CREATE", "create")));
    p.addAgent()
        .setType(
            new CodeableConcept(
                new Coding(
                    "http://terminology.hl7.org/CodeSystem/provenance-participant-type",
                    "performer",
                    "Performer")))
        .setWho(new Reference(deviceUrl).setDisplay(r.model().name() + " " + r.model().version()))
        .addRole(
            new CodeableConcept(
                new Coding(
                    Profiles.CS_AI_DEVICE_TYPE,
                    "Artificial-Intelligence",
                    "All kinds of Artificial Intelligence")));
    if (r.organization() != null) {
      p.addAgent()
          .setType(
              new CodeableConcept(
                  new Coding(
                      "http://terminology.hl7.org/CodeSystem/provenance-participant-type",
                      "custodian",
                      "Custodian")))
          .setWho(new Reference(r.organization()));
    }
    for (String input : r.inputs()) {
      p.addEntity().setRole(Provenance.ProvenanceEntityRole.SOURCE).setWhat(entityReference(input));
    }
    if (cardUrl != null) {
      // AI Transparency on FHIR: AIProvenance.entity[modelCard], role fixed to derivation
      p.addEntity()
          .setRole(Provenance.ProvenanceEntityRole.DERIVATION)
          .setWhat(new Reference(cardUrl).setDisplay("model card"));
    }
    for (String missing : r.missing()) {
      p.addExtension(Profiles.EXT_MISSING_INPUT, new StringType(missing));
    }
    // AI Transparency on FHIR (AIProvenance.reason[AIReason]): the targets are AI asserted
    p.addReason(new CodeableConcept(aiast()).setText("AI-generated, preliminary"));
    if (r.asOf() != null) {
      p.addExtension(
          Profiles.EXT_EVALUATED_AS_OF,
          new org.hl7.fhir.r4.model.DateTimeType(
              Date.from(r.asOf()), ca.uhn.fhir.model.api.TemporalPrecisionEnum.MILLI));
    }
    if (r.requester() != null) {
      p.addReason().setText("requested through CDS Hooks by " + r.requester());
    }
    return p;
  }

  /** DICOM instances have no FHIR id: they are named by identifier (their SOP Instance UID). */
  private static Reference entityReference(String input) {
    if (input.startsWith("urn:oid:")) {
      return new Reference()
          .setIdentifier(new Identifier().setSystem("urn:dicom:uid").setValue(input))
          .setDisplay("DICOM instance");
    }
    return new Reference(input);
  }

  private static Coding aiast() {
    return new Coding(OBSERVATION_VALUE, "AIAST", "Artificial Intelligence asserted");
  }

  private static Coding coding(ReportRequest.Coding c) {
    return new Coding(c.system(), c.code(), c.display());
  }

  private static java.math.BigDecimal round(double p) {
    return java.math.BigDecimal.valueOf(p).setScale(4, java.math.RoundingMode.HALF_UP);
  }

  /**
   * The report's id, derived from its result key as the Provenance's is: the card can name the
   * report before the transaction that writes it has been sent ({@code cds.card-timing}), and two
   * writes of the same inputs name one report.
   */
  public static String reportId(ResultKey key) {
    return key.fhirId("fcds-report");
  }

  /**
   * The report's PUT: a conditional update (FHIR R4 §3.1.0.4.3) that replaces only a preliminary
   * report of the same result key at that id (the same write, made at the same moment by another
   * hook or a redelivered job) and creates the report when there is none. A report whose status
   * someone changed since (final, amended, corrected, entered-in-error: no longer preliminary)
   * matches nothing, and a conditional update that matches nothing at an id that exists is refused
   * with 409: the transaction writes nothing, and {@link ReportStep#write} finds that report by its
   * key instead. An edit that leaves the report preliminary is not seen (the version it made is not
   * known to this write).
   */
  static String reportUpdate(ResultKey key) {
    return "DiagnosticReport?_id="
        + reportId(key)
        + "&identifier="
        + ResultKey.SYSTEM
        + "|"
        + key.value()
        + "&status=preliminary";
  }

  /** The Provenance's id: derived from the result key (it is written with PUT). */
  public static String provenanceId(ResultKey key) {
    return key.fhirId("fcds");
  }

  static String uuid() {
    return "urn:uuid:" + UUID.randomUUID();
  }
}
