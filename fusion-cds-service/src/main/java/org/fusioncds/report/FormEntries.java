package org.fusioncds.report;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Date;
import org.fusioncds.flow.Profiles;
import org.fusioncds.flow.ReportRequest;
import org.fusioncds.flow.ResultKey;
import org.fusioncds.report.form.PresentedForms;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Media;
import org.hl7.fhir.r4.model.Reference;

/**
 * The presentedForm and key-image entries of the write-back transaction (FHIR R4): the HTML and the
 * PDF each as a Binary written at an id derived from the result key (PUT, so a resent transaction
 * writes nothing new; {@code securityContext} the report, so the server guards them as it guards
 * the report), named by {@code DiagnosticReport.presentedForm} with URL, size and SHA-1 hash; and
 * the key image as a Media with its PNG inline (a few kB: one read gives the image, and no third
 * Binary), created on the condition of its identifier (the result key), in {@code
 * DiagnosticReport.media}. The report stays small: the forms are read only when opened, not by the
 * cached path's searches and reads of the report.
 */
final class FormEntries {

  static final String MEDIA_SUFFIX = "-key-image";

  private FormEntries() {}

  /** The id of the report's HTML Binary: the card's link opens {@code <base>/Binary/<id>}. */
  static String htmlId(ResultKey key) {
    return key.fhirId("fcds-html");
  }

  static String pdfId(ResultKey key) {
    return key.fhirId("fcds-pdf");
  }

  /**
   * Adds the two Binaries and the Media to the bundle, and names them in the report.
   *
   * @param fhirBase the FHIR server's base URL (the forms' URLs are absolute), or null: relative
   * @return the Media's fullUrl (a Provenance target), or null without a key image
   */
  static String add(
      Bundle bundle,
      ReportRequest r,
      PresentedForms forms,
      String fhirBase,
      DiagnosticReport report,
      String reportUrl) {
    String prefix = fhirBase == null ? "" : fhirBase + "/";
    report.addPresentedForm(
        attachment(PresentedForms.HTML, forms.html(), prefix, htmlId(r.key()), r, "HTML"));
    report.addPresentedForm(
        attachment(PresentedForms.PDF, forms.pdf(), prefix, pdfId(r.key()), r, "PDF/A"));
    put(bundle, binary(PresentedForms.HTML, forms.html(), htmlId(r.key()), reportUrl));
    put(bundle, binary(PresentedForms.PDF, forms.pdf(), pdfId(r.key()), reportUrl));
    if (forms.keyImagePng() == null) {
      return null;
    }
    String mediaUrl = ReportBundleBuilder.uuid();
    bundle
        .addEntry()
        .setFullUrl(mediaUrl)
        .setResource(media(r, forms.keyImagePng()))
        .getRequest()
        .setMethod(Bundle.HTTPVerb.POST)
        .setUrl("Media")
        .setIfNoneExist(
            "Media?identifier=" + ResultKey.SYSTEM + "|" + r.key().value() + MEDIA_SUFFIX);
    report.addMedia().setComment("key image, as the model saw it").setLink(new Reference(mediaUrl));
    return mediaUrl;
  }

  private static Attachment attachment(
      String type, byte[] data, String prefix, String id, ReportRequest r, String form) {
    return new Attachment()
        .setContentType(type)
        .setLanguage("en")
        .setUrl(prefix + "Binary/" + id)
        .setSize(data.length)
        .setHash(sha1(data))
        .setTitle("Preliminary AI report (" + form + ")")
        .setCreationElement(new DateTimeType(Date.from(r.issued())));
  }

  private static Binary binary(String type, byte[] data, String id, String reportUrl) {
    Binary b = new Binary();
    b.setId(id);
    b.getMeta().addProfile(Profiles.PROFILE_REPORT_FORM);
    b.setContentType(type);
    b.setSecurityContext(new Reference(reportUrl));
    b.setData(data);
    return b;
  }

  private static void put(Bundle bundle, Binary b) {
    bundle
        .addEntry()
        .setFullUrl(ReportBundleBuilder.uuid())
        .setResource(b)
        .getRequest()
        .setMethod(Bundle.HTTPVerb.PUT)
        .setUrl("Binary/" + b.getIdElement().getIdPart());
  }

  private static Media media(ReportRequest r, byte[] png) {
    Media m = new Media();
    m.getMeta().addProfile(Profiles.PROFILE_KEY_IMAGE);
    m.addIdentifier(
        new Identifier().setSystem(ResultKey.SYSTEM).setValue(r.key().value() + MEDIA_SUFFIX));
    m.setStatus(Media.MediaStatus.COMPLETED);
    m.setType(
        new CodeableConcept(
            new Coding("http://terminology.hl7.org/CodeSystem/media-type", "image", "Image")));
    m.setSubject(new Reference("Patient/" + r.patientId()));
    m.setCreated(new DateTimeType(Date.from(r.studyTime())));
    m.setIssuedElement(new InstantType(Date.from(r.issued())));
    m.setContent(
        new Attachment()
            .setContentType("image/png")
            .setData(png)
            .setTitle("Key image, windowed and resized as the model read it"));
    m.addNote()
        .setText(
            "Frame 0 of the DICOM instance named in the report's Provenance, after the model"
                + " card's window and resize; not for diagnosis. "
                + r.model().disclaimer());
    return m;
  }

  static byte[] sha1(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-1").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is part of every JDK", e);
    }
  }
}
