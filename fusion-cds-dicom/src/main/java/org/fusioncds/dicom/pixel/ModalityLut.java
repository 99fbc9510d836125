package org.fusioncds.dicom.pixel;

import org.fusioncds.dicom.Dataset;
import org.fusioncds.dicom.DicomException;
import org.fusioncds.dicom.Tag;
import org.fusioncds.error.ErrorCode;

/**
 * The modality LUT as a linear rescale (PS3.3 C.11.1): {@code value = stored × slope + intercept},
 * from Rescale Slope / Intercept (0028,1053 / 0028,1052) of the data set, or of the Pixel Value
 * Transformation Sequence (0028,9145) of an enhanced multi-frame object's functional groups. Absent
 * attributes mean slope 1, intercept 0. A Modality LUT Sequence (0028,3000) is not applied here: a
 * coded error says so rather than returning unscaled values.
 *
 * @param type Rescale Type (0028,1054), for example {@code HU}; null when absent
 */
public record ModalityLut(double slope, double intercept, String type) {

  static final int MODALITY_LUT_SEQUENCE = 0x00283000;

  public static final ModalityLut IDENTITY = new ModalityLut(1, 0, null);

  public ModalityLut {
    if (!Double.isFinite(slope) || !Double.isFinite(intercept) || slope == 0) {
      throw new DicomException(
          ErrorCode.RESCALE_UNUSABLE,
          "Rescale Slope / Intercept unusable — slope " + slope + ", intercept " + intercept);
    }
  }

  /** From the top level of a (single-frame) data set. */
  public static ModalityLut of(Dataset ds) {
    if (ds.contains(MODALITY_LUT_SEQUENCE) && !ds.contains(Tag.RescaleSlope)) {
      throw new DicomException(
          ErrorCode.MODALITY_LUT_UNSUPPORTED,
          "Modality LUT Sequence (0028,3000) is not supported, only a linear rescale — "
              + ds.getSequence(MODALITY_LUT_SEQUENCE).size()
              + " item(s)");
    }
    return from(ds);
  }

  /**
   * For frame {@code frameIndex} (0-based): the functional groups' Pixel Value Transformation when
   * the object has one (per-frame before shared), else the top-level attributes.
   */
  public static ModalityLut forFrame(Dataset ds, int frameIndex) {
    return FunctionalGroups.find(ds, frameIndex, Tag.PixelValueTransformationSequence)
        .map(ModalityLut::from)
        .orElseGet(() -> of(ds));
  }

  private static ModalityLut from(Dataset ds) {
    return new ModalityLut(
        ds.getDouble(Tag.RescaleSlope, 1),
        ds.getDouble(Tag.RescaleIntercept, 0),
        ds.getString(Tag.RescaleType));
  }

  public boolean isIdentity() {
    return slope == 1 && intercept == 0;
  }

  /** Modality values of a single-sample frame, one per pixel, row-major. */
  public float[] apply(Frame f) {
    float[] out = new float[f.rows() * f.columns()];
    apply(f, out, 0);
    return out;
  }

  /** Writes the modality values of a single-sample frame into {@code out} from {@code offset}. */
  public void apply(Frame f, float[] out, int offset) {
    if (f.samplesPerPixel() != 1) {
      throw new DicomException(
          ErrorCode.MODALITY_LUT_MULTI_SAMPLE,
          "the modality LUT applies to single-sample images, this frame is "
              + f.photometric()
              + " with "
              + f.samplesPerPixel()
              + " samples per pixel");
    }
    int[] s = f.samples();
    int n = f.rows() * f.columns();
    if (slope == 1 && intercept == 0) {
      for (int i = 0; i < n; i++) {
        out[offset + i] = s[i];
      }
    } else if (slope == 1) {
      for (int i = 0; i < n; i++) {
        out[offset + i] = (float) (s[i] + intercept);
      }
    } else {
      for (int i = 0; i < n; i++) {
        out[offset + i] = (float) (s[i] * slope + intercept);
      }
    }
  }
}
