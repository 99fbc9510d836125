package org.fusioncds.dicom.codec;

import org.fusioncds.dicom.DicomException;

/**
 * Decoder for lossless JPEG (ITU-T T.81 process 14: SOF3, Huffman coding, non-hierarchical): DICOM
 * transfer syntaxes 1.2.840.10008.1.2.4.57 and .70 (selection value 1).
 *
 * <p>Supported: selection values (predictors) 1..7, point transforms below the precision, sample
 * precisions 2..16, 1 or 3 components (interleaved in one scan or in one scan each), restart
 * intervals of whole lines (as libjpeg requires), tables redefined between scans. Refused with a
 * coded error: DCT, arithmetic-coded and hierarchical JPEG, subsampled components, DNL. The marker
 * segments are read by the parser {@link JpegExtendedDecoder} shares with it, the scans decoded by
 * {@link JpegLosslessScan}.
 *
 * <p>Output: the reconstructed samples (modulo 2^16, shifted left by the point transform), as
 * libjpeg and so DCMTK's {@code dcmdjpeg} return them, interleaved by pixel.
 *
 * <p>Errors are {@link DicomException}s with codes 2250..2264, as for the DCT decoder. Hostile
 * input is refused before large allocations: a frame whose samples could not be coded in the given
 * bytes (each needs at least one bit) is refused. {@link #decode} is thread-safe.
 */
public final class JpegLosslessDecoder {

  private JpegLosslessDecoder() {}

  /**
   * Decodes one lossless JPEG codestream (SOI..EOI; bytes after EOI ignored).
   *
   * @param codestream the JPEG codestream, starting with SOI
   * @return the decoded image, its precision that of the frame header (2..16)
   * @throws DicomException (codes 2250..2264) when the codestream is invalid, truncated or not
   *     lossless JPEG
   */
  public static JpegExtendedImage decode(byte[] codestream) {
    return JpegExtendedDecoder.decode(codestream, true, false);
  }
}
