package org.fusioncds.dicom.pixel;

import org.fusioncds.dicom.Dataset;
import org.fusioncds.dicom.DicomException;
import org.fusioncds.dicom.DicomLimits;
import org.fusioncds.dicom.Tag;
import org.fusioncds.error.ErrorCode;

/**
 * The Image Pixel module attributes (PS3.3 C.7.6.3) that say how to read the pixel data, checked
 * for consistency and against the limits before any pixel is allocated.
 */
public record ImageDescription(
    int rows,
    int columns,
    int samplesPerPixel,
    int bitsAllocated,
    int bitsStored,
    int highBit,
    int pixelRepresentation,
    String photometric,
    int planarConfiguration,
    int frames) {

  /** Reads and checks the description; a coded error names the first attribute that is wrong. */
  public static ImageDescription of(Dataset ds, DicomLimits limits) {
    int rows = required(ds, Tag.Rows, "Rows");
    int columns = required(ds, Tag.Columns, "Columns");
    int spp = ds.getInt(Tag.SamplesPerPixel, 1);
    int bitsAllocated = required(ds, Tag.BitsAllocated, "BitsAllocated");
    int bitsStored = ds.getInt(Tag.BitsStored, bitsAllocated);
    int highBit = ds.getInt(Tag.HighBit, bitsStored - 1);
    int pixelRepresentation = ds.getInt(Tag.PixelRepresentation, 0);
    String photometric = ds.findString(Tag.PhotometricInterpretation).orElse("MONOCHROME2");
    int planar = ds.getInt(Tag.PlanarConfiguration, 0);
    int frames = Math.max(1, ds.getInt(Tag.NumberOfFrames, 1));
    ImageDescription d =
        new ImageDescription(
            rows,
            columns,
            spp,
            bitsAllocated,
            bitsStored,
            highBit,
            pixelRepresentation,
            photometric,
            planar,
            frames);
    d.check(limits);
    return d;
  }

  private static int required(Dataset ds, int tag, String name) {
    int v = ds.getInt(tag, -1);
    if (v <= 0) {
      throw new DicomException(
          ErrorCode.IMAGE_ATTRIBUTE_MISSING,
          "image attribute " + name + " " + Tag.toString(tag) + " missing or not positive — " + v);
    }
    return v;
  }

  private void check(DicomLimits limits) {
    if (samplesPerPixel != 1 && samplesPerPixel != 3) {
      throw new DicomException(
          ErrorCode.IMAGE_ATTRIBUTES_INVALID,
          "SamplesPerPixel must be 1 or 3 — " + samplesPerPixel);
    }
    if (bitsAllocated != 1 && bitsAllocated != 8 && bitsAllocated != 16 && bitsAllocated != 32) {
      throw new DicomException(
          ErrorCode.IMAGE_ATTRIBUTES_INVALID,
          "BitsAllocated must be 1, 8, 16 or 32 — " + bitsAllocated);
    }
    if (bitsStored < 1
        || bitsStored > bitsAllocated
        || highBit < bitsStored - 1
        || highBit >= bitsAllocated) {
      throw new DicomException(
          ErrorCode.IMAGE_ATTRIBUTES_INVALID,
          String.format(
              "inconsistent BitsStored %d / HighBit %d for BitsAllocated %d",
              bitsStored, highBit, bitsAllocated));
    }
    if (pixelRepresentation != 0 && pixelRepresentation != 1) {
      throw new DicomException(
          ErrorCode.IMAGE_ATTRIBUTES_INVALID,
          "PixelRepresentation must be 0 or 1 — " + pixelRepresentation);
    }
    long pixels = (long) rows * columns;
    if (pixels > limits.maxFramePixels()) {
      throw new DicomException(
          ErrorCode.FRAME_TOO_LARGE,
          String.format(
              "frame of %d x %d pixels exceeds the limit of %d pixels",
              rows, columns, limits.maxFramePixels()));
    }
    long decodedBytes = pixels * samplesPerPixel * 4L;
    if (decodedBytes > limits.maxFrameBytes()) {
      throw new DicomException(
          ErrorCode.FRAME_TOO_LARGE,
          String.format(
              "frame of %d x %d x %d samples needs %d bytes decoded, over the limit of %d",
              rows, columns, samplesPerPixel, decodedBytes, limits.maxFrameBytes()));
    }
  }

  public boolean signed() {
    return pixelRepresentation == 1;
  }

  /** Samples in one frame. */
  public int samplesPerFrame() {
    return rows * columns * samplesPerPixel;
  }

  /** Bytes of one native (uncompressed) frame; for 1-bit data, the bits rounded up. */
  public long nativeFrameBits() {
    return (long) samplesPerFrame() * bitsAllocated;
  }
}
