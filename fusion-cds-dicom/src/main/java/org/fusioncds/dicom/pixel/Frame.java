package org.fusioncds.dicom.pixel;

/**
 * One decoded frame: stored values (masked to BitsStored, sign-extended when signed, before any
 * LUT), interleaved by pixel (R,G,B,R,G,B... for colour), row-major.
 *
 * @param photometric the photometric interpretation of these samples, which differs from the file's
 *     when decoding changed it (YBR_FULL_422 in JPEG becomes RGB, as DCMTK does)
 */
public record Frame(
    int rows,
    int columns,
    int samplesPerPixel,
    int bitsAllocated,
    int bitsStored,
    int pixelRepresentation,
    String photometric,
    int[] samples) {

  /** A frame of the image a description names, with the samples and photometric decoding gave. */
  static Frame of(ImageDescription d, String photometric, int[] samples) {
    return new Frame(
        d.rows(),
        d.columns(),
        d.samplesPerPixel(),
        d.bitsAllocated(),
        d.bitsStored(),
        d.pixelRepresentation(),
        photometric,
        samples);
  }

  public int sample(int row, int column, int sample) {
    return samples[(row * columns + column) * samplesPerPixel + sample];
  }
}
