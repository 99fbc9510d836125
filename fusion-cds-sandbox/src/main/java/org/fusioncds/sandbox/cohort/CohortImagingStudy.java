package org.fusioncds.sandbox.cohort;

import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Reference;

/**
 * The FHIR R4 ImagingStudy of a synthetic radiograph: identifier {@code urn:oid:<Study Instance
 * UID>} (system {@code urn:dicom:uid}), one series, one instance, the UIDs of the DICOM file.
 */
final class CohortImagingStudy {

  static final String DCM = "http://dicom.nema.org/resources/ontology/DCM";

  private CohortImagingStudy() {}

  static ImagingStudy build(SyntheticPatient p, Reference subject) {
    Identity id = p.identity();
    Coding modality = modality(id.modality());
    ImagingStudy s = new ImagingStudy();
    s.addIdentifier().setSystem("urn:dicom:uid").setValue("urn:oid:" + id.studyUid());
    s.setStatus(ImagingStudy.ImagingStudyStatus.AVAILABLE);
    s.addModality(modality);
    s.setSubject(subject);
    s.setStartedElement(CohortBundle.dateTime(id.visit()));
    s.setNumberOfSeries(1).setNumberOfInstances(1).setDescription("XR CHEST 1 VIEW");
    ImagingStudy.ImagingStudySeriesComponent series = s.addSeries();
    series.setUid(id.seriesUid()).setNumber(1).setModality(modality.copy());
    series.setDescription("CHEST " + id.view()).setNumberOfInstances(1);
    series.setBodySite(new Coding(CohortBundle.SNOMED, "51185008", "Thoracic structure"));
    series.setStartedElement(CohortBundle.dateTime(id.visit()));
    series
        .addInstance()
        .setUid(id.instanceUid())
        .setSopClass(new Coding("urn:ietf:rfc:3986", "urn:oid:" + sopClass(id), null))
        .setNumber(1)
        .setTitle("CHEST " + id.view());
    return s;
  }

  static String sopClass(Identity id) {
    return "DX".equals(id.modality())
        ? RadiographDataset.DX_FOR_PRESENTATION
        : RadiographDataset.CR_IMAGE_STORAGE;
  }

  private static Coding modality(String code) {
    String display = "DX".equals(code) ? "Digital Radiography" : "Computed Radiography";
    return new Coding(DCM, code, display);
  }
}
