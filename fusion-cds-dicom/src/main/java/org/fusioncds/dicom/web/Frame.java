package org.fusioncds.dicom.web;

/**
 * One frame of pixel data as a WADO-RS frames retrieval returned it (PS3.18 §10.4.1.1.4).
 *
 * @param number the 1-based frame number that was requested
 * @param transferSyntaxUid the transfer syntax the server actually used for these bytes, for
 *     example {@code 1.2.840.10008.1.2.1} for native pixels or {@code 1.2.840.10008.1.2.5} for RLE
 * @param data the frame's bytes: native pixels, or one compressed frame (a JPEG/JPEG-LS/JPEG 2000
 *     code stream, or an RLE frame with its header)
 */
public record Frame(int number, String transferSyntaxUid, byte[] data) {

  /** The number of bytes of the frame. */
  public int length() {
    return data.length;
  }

  @Override
  public String toString() {
    return "Frame[number="
        + number
        + ", transferSyntaxUid="
        + transferSyntaxUid
        + ", length="
        + data.length
        + "]";
  }
}
