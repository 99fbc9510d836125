package org.fusioncds.sandbox.cohort;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.fusioncds.dicom.Dataset;
import org.fusioncds.dicom.Tag;
import org.fusioncds.dicom.VR;

/**
 * The chest CT series of a nodule-cohort patient: {@link #SLICES} axial slices of {@link #SIZE}²
 * pixels of {@link #PIXEL_MM} mm, {@link #STEP_MM} mm apart, one CT Image Storage instance each
 * (PS3.3 A.3), in the patient coordinate system (Image Orientation 1\0\0\0\1\0, instance 1 the most
 * superior, as scanners number them from the head). Stored values are HU − Rescale Intercept
 * (−1024, or −1000 for 30 % of patients), Rescale Slope 1, 12 bits in 16, unsigned.
 *
 * <p>Anatomy: an elliptic body (soft tissue 40 HU, a fat rim −100 HU) in air, two lung ellipsoids
 * (−850 HU, −900 with COPD), the mediastinum and heart (40 HU), the spine (500 HU), pulmonary
 * vessels fanning out of each hilum (40 HU, tapering, partial-volume edge), a nodule in one lung
 * ({@link NoduleShape}: solid or part-solid, smooth or spiculated, calcified or not), noise N(0,
 * {@link #NOISE_HU} HU). Voxels near the nodule are the mean of 3³ samples over the voxel (partial
 * volume: a nodule smaller than a voxel still shows, fainter, as on a real 5 mm slice).
 */
final class NoduleCt {

  static final int SLICES = 64;
  static final int SIZE = 96;
  static final double PIXEL_MM = 3.5;
  static final double STEP_MM = 5.0;
  static final double NOISE_HU = 20;
  static final String CT_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.2";
  static final String STUDY = "CT CHEST WITHOUT CONTRAST";
  static final String SERIES = "CHEST 5MM AXIAL";
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd", Locale.ROOT);
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HHmmss", Locale.ROOT);

  private final NodulePatient p;
  private final Rng noise;
  private final int intercept;
  private final double[] centre;
  private final double reach;
  private final double[][] vessels;

  NoduleCt(NodulePatient p, Rng rng) {
    this.p = p;
    this.noise = rng;
    this.intercept = rng.chance(0.3) ? -1000 : -1024;
    double[] c = lungCentre(p.right() ? -1 : 1);
    double[] r = lungAxes();
    this.centre =
        new double[] {
          c[0] + p.nodule()[0] * r[0], c[1] + p.nodule()[1] * r[1], c[2] + p.nodule()[2] * r[2]
        };
    this.reach = p.shape().reachMm() + 4;
    this.vessels = new double[p.vessels().length][];
    for (int v = 0; v < vessels.length; v++) {
      vessels[v] = vessel(p.vessels()[v]);
    }
  }

  /** Hilum (x, y, z), unit direction, length (mm), radius at the hilum, side: from the draw. */
  private double[] vessel(double[] d) {
    int side = (int) d[0];
    double[] c = lungCentre(side);
    double[] r = lungAxes();
    double[] h = {c[0] - side * 0.55 * r[0], c[1], c[2] - 10};
    // distance along the direction from the hilum to the lung's ellipsoid surface
    double a = 0;
    double b = 0;
    double e = -1;
    for (int i = 0; i < 3; i++) {
      double u = d[1 + i] / r[i];
      double o = (h[i] - c[i]) / r[i];
      a += u * u;
      b += 2 * u * o;
      e += o * o;
    }
    double t = (-b + Math.sqrt(b * b - 4 * a * e)) / (2 * a);
    return new double[] {h[0], h[1], h[2], d[1], d[2], d[3], d[4] * t, d[5], side};
  }

  static String instanceUid(Identity id, int k) {
    return id.seriesUid() + "." + (k + 1);
  }

  String instanceUid(int k) {
    return instanceUid(p.identity(), k);
  }

  /** Patient z of slice k (instance k + 1). */
  double z(int k) {
    return (SLICES - 1) / 2.0 * STEP_MM - k * STEP_MM + p.body()[4];
  }

  double x0() {
    return -(SIZE - 1) / 2.0 * PIXEL_MM + p.body()[2];
  }

  double y0() {
    return -(SIZE - 1) / 2.0 * PIXEL_MM + p.body()[3];
  }

  /** The data set of slice k with its pixels. */
  Dataset slice(int k) {
    Identity id = p.identity();
    Dataset ds = new Dataset(StandardCharsets.UTF_8);
    ds.putString(Tag.SpecificCharacterSet, VR.CS, "ISO_IR 192");
    ds.putString(Tag.ImageType, VR.CS, "ORIGINAL", "PRIMARY", "AXIAL");
    ds.putString(Tag.SOPClassUID, VR.UI, CT_IMAGE_STORAGE);
    ds.putString(Tag.SOPInstanceUID, VR.UI, instanceUid(k));
    for (int tag : new int[] {Tag.StudyDate, Tag.SeriesDate, Tag.ContentDate}) {
      ds.putString(tag, VR.DA, DATE.format(id.visit()));
    }
    for (int tag : new int[] {Tag.StudyTime, Tag.SeriesTime, Tag.ContentTime}) {
      ds.putString(tag, VR.TM, TIME.format(id.visit()));
    }
    ds.putString(Tag.AccessionNumber, VR.SH, id.accession());
    ds.putString(Tag.Modality, VR.CS, "CT");
    ds.putString(Tag.Manufacturer, VR.LO, "fusion-cds synthetic cohort");
    ds.putString(0x00080090, VR.PN);
    ds.putString(0x00080201, VR.SH, "+0000");
    ds.putString(Tag.StudyDescription, VR.LO, STUDY);
    ds.putString(Tag.SeriesDescription, VR.LO, SERIES);
    ds.putString(Tag.PatientName, VR.PN, SyntheticNames.family(id.patientId()) + "^" + id.number());
    ds.putString(Tag.PatientID, VR.LO, p.patientId());
    ds.putString(0x00100021, VR.LO, CohortBundle.PATIENT_ID_ISSUER);
    ds.putString(Tag.PatientBirthDate, VR.DA, DATE.format(p.birthDate()));
    ds.putString(Tag.PatientSex, VR.CS, p.female() ? "F" : "M");
    ds.putString(Tag.PatientAge, VR.AS, String.format(Locale.ROOT, "%03dY", p.age()));
    ds.putString(Tag.BodyPartExamined, VR.CS, "CHEST");
    ds.putString(Tag.SliceThickness, VR.DS, fmt(STEP_MM));
    ds.putString(0x00180060, VR.DS, "120");
    ds.putString(Tag.StudyInstanceUID, VR.UI, id.studyUid());
    ds.putString(Tag.SeriesInstanceUID, VR.UI, id.seriesUid());
    ds.putString(Tag.StudyID, VR.SH, "1");
    ds.putString(Tag.SeriesNumber, VR.IS, "2");
    ds.putString(Tag.InstanceNumber, VR.IS, Integer.toString(k + 1));
    ds.putString(Tag.ImagePositionPatient, VR.DS, fmt(x0()), fmt(y0()), fmt(z(k)));
    ds.putString(Tag.ImageOrientationPatient, VR.DS, "1", "0", "0", "0", "1", "0");
    ds.putString(Tag.FrameOfReferenceUID, VR.UI, id.seriesUid() + ".0");
    ds.putString(0x00201040, VR.LO);
    ds.putString(0x00201041, VR.DS, fmt(z(k)));
    ds.putInts(Tag.SamplesPerPixel, VR.US, 1);
    ds.putString(Tag.PhotometricInterpretation, VR.CS, "MONOCHROME2");
    ds.putInts(Tag.Rows, VR.US, SIZE);
    ds.putInts(Tag.Columns, VR.US, SIZE);
    ds.putString(Tag.PixelSpacing, VR.DS, fmt(PIXEL_MM), fmt(PIXEL_MM));
    ds.putInts(Tag.BitsAllocated, VR.US, 16);
    ds.putInts(Tag.BitsStored, VR.US, 12);
    ds.putInts(Tag.HighBit, VR.US, 11);
    ds.putInts(Tag.PixelRepresentation, VR.US, 0);
    ds.putString(Tag.WindowCenter, VR.DS, "-600");
    ds.putString(Tag.WindowWidth, VR.DS, "1500");
    ds.putString(Tag.RescaleIntercept, VR.DS, Integer.toString(intercept));
    ds.putString(Tag.RescaleSlope, VR.DS, "1");
    ds.putString(Tag.RescaleType, VR.LO, "HU");
    ds.putString(0x00282110, VR.CS, "00");
    ds.putBytes(Tag.PixelData, VR.OW, pixels(k));
    return ds;
  }

  private byte[] pixels(int k) {
    ByteBuffer b = ByteBuffer.allocate(SIZE * SIZE * 2).order(ByteOrder.LITTLE_ENDIAN);
    double z = z(k);
    for (int j = 0; j < SIZE; j++) {
      for (int i = 0; i < SIZE; i++) {
        double hu =
            voxel(x0() + i * PIXEL_MM, y0() + j * PIXEL_MM, z) + NOISE_HU * noise.roughGaussian();
        long stored = Math.round(hu - intercept);
        b.putShort((short) Math.max(0, Math.min(4095, stored)));
      }
    }
    return b.array();
  }

  /** The voxel's HU: near the nodule the mean over the voxel (partial volume), else its centre. */
  double voxel(double x, double y, double z) {
    double dx = x - centre[0];
    double dy = y - centre[1];
    double dz = z - centre[2];
    if (dx * dx + dy * dy + dz * dz > reach * reach) {
      return hu(x, y, z);
    }
    double sum = 0;
    for (int a = -1; a <= 1; a++) {
      for (int b = -1; b <= 1; b++) {
        for (int c = -1; c <= 1; c++) {
          sum += hu(x + a * PIXEL_MM / 3, y + b * PIXEL_MM / 3, z + c * STEP_MM / 3);
        }
      }
    }
    return sum / 27;
  }

  /** HU at a patient position (mm). */
  double hu(double x, double y, double z) {
    double[] body = p.body();
    double ax = body[0];
    double ay = body[1];
    double e = sq(x / ax) + sq(y / ay);
    if (e > 1) {
      return -1000;
    }
    if (sq((x) / 16) + sq((y - ay + 32) / 16) <= 1) {
      return 500; // spine
    }
    if (sq((x - 12) / (0.3 * ax)) + sq((y + 0.2 * ay) / (0.4 * ay)) + sq((z + 50) / 60) <= 1) {
      return 40; // heart and mediastinum
    }
    for (int side = -1; side <= 1; side += 2) {
      double[] c = lungCentre(side);
      double[] r = lungAxes();
      double l = sq((x - c[0]) / r[0]) + sq((y - c[1]) / r[1]) + sq((z - c[2]) / r[2]);
      if (l <= 1) {
        double lung = p.copdSince() != null ? -900 : -850;
        boolean noduleSide = (side < 0) == p.right();
        if (noduleSide) {
          double n = p.shape().hu(x - centre[0], y - centre[1], z - centre[2]);
          if (!Double.isNaN(n)) {
            return n;
          }
        }
        return vessels(x, y, z, side, lung);
      }
    }
    return e > 0.85 ? -100 : 40;
  }

  /** Lung with the vessels of its hilum: a tapering tube, its edge a partial-volume ramp. */
  private double vessels(double x, double y, double z, int side, double lung) {
    double f = 0;
    for (double[] v : vessels) {
      if ((int) v[8] != side) {
        continue;
      }
      double px = x - v[0];
      double py = y - v[1];
      double pz = z - v[2];
      double t = Math.max(0, Math.min(v[6], px * v[3] + py * v[4] + pz * v[5]));
      double qx = px - t * v[3];
      double qy = py - t * v[4];
      double qz = pz - t * v[5];
      double d = Math.sqrt(qx * qx + qy * qy + qz * qz);
      double radius = v[7] * (1 - 0.7 * t / v[6]);
      f = Math.max(f, Math.max(0, Math.min(1, (radius + 1.5 - d) / 3.0)));
    }
    return lung + f * (40 - lung);
  }

  /** Patient right is −x: side −1 is the right lung. */
  private double[] lungCentre(int side) {
    return new double[] {side * 0.47 * p.body()[0], 0.05 * p.body()[1], 15};
  }

  private double[] lungAxes() {
    return new double[] {0.33 * p.body()[0], 0.62 * p.body()[1], 120};
  }

  private static double sq(double v) {
    return v * v;
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }
}
