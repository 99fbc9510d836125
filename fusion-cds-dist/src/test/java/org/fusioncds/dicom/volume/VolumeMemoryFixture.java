package org.fusioncds.dicom.volume;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import org.fusioncds.dicom.Dataset;
import org.fusioncds.dicom.DicomWriter;
import org.fusioncds.dicom.Tag;
import org.fusioncds.dicom.VR;

/** The 512 × 512 × 300 CT series of the memory probes (one file per slice, as a PACS stores it). */
public final class VolumeMemoryFixture {

  public static final int SIZE = 512;
  public static final int SLICES = 300;
  public static final String STUDY_UID = "1.2.826.0.1.3680043.8.498.77";

  private VolumeMemoryFixture() {}

  /**
   * The pixel module of a CT slice as this fixture and the other CT test series store it: one
   * sample, MONOCHROME2, 12 bits stored in 16, unsigned, HU = stored − 1024.
   */
  public static void putCtPixelModule(Dataset ds, int rows, int columns) {
    ds.putInts(Tag.SamplesPerPixel, VR.US, 1);
    ds.putString(Tag.PhotometricInterpretation, VR.CS, "MONOCHROME2");
    ds.putInts(Tag.Rows, VR.US, rows);
    ds.putInts(Tag.Columns, VR.US, columns);
    ds.putInts(Tag.BitsAllocated, VR.US, 16);
    ds.putInts(Tag.BitsStored, VR.US, 12);
    ds.putInts(Tag.HighBit, VR.US, 11);
    ds.putInts(Tag.PixelRepresentation, VR.US, 0);
    ds.putString(Tag.RescaleIntercept, VR.DS, "-1024");
    ds.putString(Tag.RescaleSlope, VR.DS, "1");
  }

  /** A water cylinder (0 HU) with a bone rod (+700 HU) in air, stored + 1024 (intercept −1024). */
  public static void writeSeries(Path dir) {
    ByteBuffer b = ByteBuffer.allocate(SIZE * SIZE * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (int y = 0; y < SIZE; y++) {
      for (int x = 0; x < SIZE; x++) {
        double r = Math.hypot(x - 256, y - 256);
        double rod = Math.hypot(x - 300, y - 220);
        int hu = rod < 20 ? 700 : r < 200 ? 0 : -1000;
        b.putShort((short) (hu + 1024));
      }
    }
    byte[] pixels = b.array();
    for (int k = 0; k < SLICES; k++) {
      Dataset ds = new Dataset(StandardCharsets.UTF_8);
      ds.putString(Tag.SOPClassUID, VR.UI, "1.2.840.10008.5.1.4.1.1.2");
      ds.putString(Tag.SOPInstanceUID, VR.UI, "1.2.826.0.1.3680043.8.498.77." + (k + 1));
      ds.putString(Tag.StudyInstanceUID, VR.UI, STUDY_UID);
      ds.putString(Tag.SeriesInstanceUID, VR.UI, "1.2.826.0.1.3680043.8.498.77.0");
      ds.putString(Tag.Modality, VR.CS, "CT");
      ds.putString(Tag.InstanceNumber, VR.IS, Integer.toString(k + 1));
      ds.putString(
          Tag.ImagePositionPatient,
          VR.DS,
          "-175",
          "-175",
          String.format(Locale.ROOT, "%.1f", -150 + k * 1.0));
      ds.putString(Tag.ImageOrientationPatient, VR.DS, "1", "0", "0", "0", "1", "0");
      ds.putString(Tag.PixelSpacing, VR.DS, "0.68359375", "0.68359375");
      ds.putString(Tag.SliceThickness, VR.DS, "1");
      putCtPixelModule(ds, SIZE, SIZE);
      ds.putBytes(Tag.PixelData, VR.OW, pixels);
      DicomWriter.write(ds, dir.resolve(String.format(Locale.ROOT, "%03d.dcm", k)));
    }
  }
}
