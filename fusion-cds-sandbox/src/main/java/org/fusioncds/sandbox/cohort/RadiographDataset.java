package org.fusioncds.sandbox.cohort;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.fusioncds.dicom.Dataset;
import org.fusioncds.dicom.Tag;
import org.fusioncds.dicom.VR;

/**
 * The DICOM data set of a synthetic frontal chest radiograph: the CR Image IOD (PS3.3 A.2) or, for
 * modality DX, the Digital X-Ray Image IOD For Presentation (PS3.3 A.26) with the attributes of the
 * DX Series, DX Anatomy Imaged, DX Image and DX Detector modules that a synthetic image can
 * honestly fill. 256×256, 12 bits stored in 16, MONOCHROME2, UTF-8 text.
 */
final class RadiographDataset {

  static final String CR_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.1";
  static final String DX_FOR_PRESENTATION = "1.2.840.10008.5.1.4.1.1.1.1";
  static final double PIXEL_SPACING_MM = 1.4;

  private static final int ISSUER_OF_PATIENT_ID = 0x00100021;
  private static final int REFERRING_PHYSICIAN_NAME = 0x00080090;
  private static final int PRESENTATION_INTENT_TYPE = 0x00080068;
  private static final int MANUFACTURER_MODEL_NAME = 0x00081090;
  private static final int TIMEZONE_OFFSET_FROM_UTC = 0x00080201;
  private static final int ANATOMIC_REGION_SEQUENCE = 0x00082218;
  private static final int CODE_VALUE = 0x00080100;
  private static final int CODING_SCHEME_DESIGNATOR = 0x00080102;
  private static final int CODE_MEANING = 0x00080104;
  private static final int KVP = 0x00180060;
  private static final int IMAGER_PIXEL_SPACING = 0x00181164;
  private static final int DETECTOR_TYPE = 0x00187004;
  private static final int IMAGE_LATERALITY = 0x00200062;
  private static final int BURNED_IN_ANNOTATION = 0x00280301;
  private static final int PIXEL_INTENSITY_RELATIONSHIP = 0x00281040;
  private static final int PIXEL_INTENSITY_RELATIONSHIP_SIGN = 0x00281041;
  private static final int PRESENTATION_LUT_SHAPE = 0x20500020;
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd", Locale.ROOT);
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HHmmss", Locale.ROOT);

  private RadiographDataset() {}

  static Dataset build(SyntheticPatient p, short[] pixels) {
    Identity id = p.identity();
    boolean dx = "DX".equals(id.modality());
    Dataset ds = new Dataset(StandardCharsets.UTF_8);
    ds.putString(Tag.SpecificCharacterSet, VR.CS, "ISO_IR 192");
    ds.putString(Tag.ImageType, VR.CS, "ORIGINAL", "PRIMARY");
    ds.putString(Tag.SOPClassUID, VR.UI, dx ? DX_FOR_PRESENTATION : CR_IMAGE_STORAGE);
    ds.putString(Tag.SOPInstanceUID, VR.UI, id.instanceUid());
    study(ds, p);
    patient(ds, p);
    series(ds, id);
    image(ds, p.scene().exposure());
    if (dx) {
      digitalXRay(ds);
    }
    ds.putBytes(Tag.PixelData, VR.OW, littleEndian(pixels));
    return ds;
  }

  private static void study(Dataset ds, SyntheticPatient p) {
    Identity id = p.identity();
    for (int tag : new int[] {Tag.StudyDate, Tag.SeriesDate, Tag.ContentDate}) {
      ds.putString(tag, VR.DA, DATE.format(id.visit()));
    }
    for (int tag : new int[] {Tag.StudyTime, Tag.SeriesTime, Tag.ContentTime}) {
      ds.putString(tag, VR.TM, TIME.format(id.visit()));
    }
    ds.putString(Tag.AccessionNumber, VR.SH, id.accession());
    ds.putString(Tag.Manufacturer, VR.LO, "fusion-cds synthetic cohort");
    ds.putString(REFERRING_PHYSICIAN_NAME, VR.PN);
    ds.putString(TIMEZONE_OFFSET_FROM_UTC, VR.SH, "+0000");
    ds.putString(Tag.StudyDescription, VR.LO, "XR CHEST 1 VIEW");
    ds.putString(MANUFACTURER_MODEL_NAME, VR.LO, "RadiographRenderer");
    ds.putString(Tag.StudyInstanceUID, VR.UI, id.studyUid());
    ds.putString(Tag.SeriesInstanceUID, VR.UI, id.seriesUid());
    ds.putString(Tag.StudyID, VR.SH, "1");
  }

  private static void patient(Dataset ds, SyntheticPatient p) {
    ds.putString(
        Tag.PatientName,
        VR.PN,
        SyntheticNames.family(p.identity().patientId()) + "^" + p.identity().number());
    ds.putString(Tag.PatientID, VR.LO, p.patientId());
    ds.putString(ISSUER_OF_PATIENT_ID, VR.LO, CohortBundle.PATIENT_ID_ISSUER);
    ds.putString(Tag.PatientBirthDate, VR.DA, DATE.format(p.birthDate()));
    ds.putString(Tag.PatientSex, VR.CS, p.clinical().female() ? "F" : "M");
    ds.putString(Tag.PatientAge, VR.AS, String.format(Locale.ROOT, "%03dY", p.clinical().age()));
  }

  private static void series(Dataset ds, Identity id) {
    ds.putString(Tag.Modality, VR.CS, id.modality());
    ds.putString(Tag.SeriesDescription, VR.LO, "CHEST " + id.view());
    ds.putString(Tag.BodyPartExamined, VR.CS, "CHEST");
    ds.putString(KVP, VR.DS, "110");
    ds.putString(IMAGER_PIXEL_SPACING, VR.DS, "1.4", "1.4");
    ds.putString(Tag.ViewPosition, VR.CS, id.view());
    ds.putString(Tag.SeriesNumber, VR.IS, "1");
    ds.putString(Tag.InstanceNumber, VR.IS, "1");
    ds.putString(Tag.PatientOrientation, VR.CS, "L", "F");
  }

  private static void image(Dataset ds, double exposure) {
    int size = RadiographScene.SIZE;
    ds.putInts(Tag.SamplesPerPixel, VR.US, 1);
    ds.putString(Tag.PhotometricInterpretation, VR.CS, "MONOCHROME2");
    ds.putInts(Tag.Rows, VR.US, size);
    ds.putInts(Tag.Columns, VR.US, size);
    ds.putString(Tag.PixelSpacing, VR.DS, "1.4", "1.4");
    ds.putInts(Tag.BitsAllocated, VR.US, 16);
    ds.putInts(Tag.BitsStored, VR.US, 12);
    ds.putInts(Tag.HighBit, VR.US, 11);
    ds.putInts(Tag.PixelRepresentation, VR.US, 0);
    ds.putString(BURNED_IN_ANNOTATION, VR.CS, "NO");
    int[] window = window(exposure);
    ds.putString(Tag.WindowCenter, VR.DS, Integer.toString(window[0]));
    ds.putString(Tag.WindowWidth, VR.DS, Integer.toString(window[1]));
    ds.putString(Tag.RescaleIntercept, VR.DS, "0");
    ds.putString(Tag.RescaleSlope, VR.DS, "1");
    ds.putString(Tag.RescaleType, VR.LO, "US");
    ds.putString(Tag.LossyImageCompression, VR.CS, "00");
  }

  private static void digitalXRay(Dataset ds) {
    ds.putString(PRESENTATION_INTENT_TYPE, VR.CS, "FOR PRESENTATION");
    ds.putString(DETECTOR_TYPE, VR.CS, "SCINTILLATOR");
    ds.putString(IMAGE_LATERALITY, VR.CS, "U");
    ds.putString(PIXEL_INTENSITY_RELATIONSHIP, VR.CS, "LOG");
    ds.putInts(PIXEL_INTENSITY_RELATIONSHIP_SIGN, VR.SS, 1);
    ds.putString(PRESENTATION_LUT_SHAPE, VR.CS, "IDENTITY");
    Dataset region = new Dataset(StandardCharsets.UTF_8);
    region.putString(CODE_VALUE, VR.SH, "51185008");
    region.putString(CODING_SCHEME_DESIGNATOR, VR.SH, "SCT");
    region.putString(CODE_MEANING, VR.LO, "Thoracic structure");
    ds.putSequence(ANATOMIC_REGION_SEQUENCE, List.of(region));
  }

  /**
   * Window from the exposure only (tissue and lung levels scaled), never from the pixels: a window
   * computed from the image would carry the findings into the metadata.
   */
  static int[] window(double exposure) {
    return new int[] {(int) Math.round(1150 * exposure), (int) Math.round(2600 * exposure)};
  }

  private static byte[] littleEndian(short[] pixels) {
    ByteBuffer b = ByteBuffer.allocate(pixels.length * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (short s : pixels) {
      b.putShort(s);
    }
    return b.array();
  }
}
