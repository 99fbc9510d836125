package org.fusioncds.dicom.pixel;

import org.fusioncds.dicom.DicomException;
import org.fusioncds.error.ErrorCode;

/**
 * Colour model conversion as an explicit step after decoding: YBR_FULL (native or RLE; JPEG
 * decoding already returns RGB, and native YBR_FULL_422 is expanded to YBR_FULL when decoded) to
 * RGB by PS3.3 C.7.6.3.1.2, in libjpeg's fixed point, so that values agree with DCMTK.
 */
public final class ColorConversion {

  private ColorConversion() {}

  /**
   * An RGB frame of the same size: a new frame for YBR_FULL, the same frame for RGB; a coded error
   * for any other photometric interpretation.
   */
  public static Frame toRgb(Frame f) {
    if ("RGB".equals(f.photometric()) && f.samplesPerPixel() == 3) {
      return f;
    }
    if (!"YBR_FULL".equals(f.photometric()) || f.samplesPerPixel() != 3) {
      throw new DicomException(
          ErrorCode.COLOR_CONVERSION_UNSUPPORTED,
          "conversion to RGB needs a 3-sample YBR_FULL or RGB frame — "
              + f.photometric()
              + " with "
              + f.samplesPerPixel()
              + " samples");
    }
    int[] s = f.samples().clone();
    ColorSpaces.ybrFullToRgb(s, Math.max(8, f.bitsStored()));
    return new Frame(
        f.rows(),
        f.columns(),
        3,
        f.bitsAllocated(),
        f.bitsStored(),
        f.pixelRepresentation(),
        "RGB",
        s);
  }
}
