package org.fusioncds.dicom.codec;

import org.fusioncds.dicom.DicomException;

/**
 * One Huffman decoding table of a DHT segment, built as T.81 Annex C describes (canonical codes
 * from the 16 code-length counts), with a 9-bit lookahead table for the short codes and the
 * MAXCODE/VALPTR procedure of T.81 F.2.2.3 for the long ones.
 */
final class JpegExtHuffmanTable {

  /** Bits of the lookahead table. */
  static final int LOOKAHEAD = 9;

  /** Per 9-bit prefix: {@code (codeLength << 8) | symbol}, or 0 when the code is longer. */
  final int[] fast = new int[1 << LOOKAHEAD];

  /** Largest code of each length 1..16, -1 where there is none. */
  final int[] maxCode = new int[17];

  /** Per length: index into {@link #symbols} minus the smallest code of that length. */
  final int[] delta = new int[17];

  /** The symbols in order of increasing code length. */
  final int[] symbols;

  private JpegExtHuffmanTable(int[] symbols) {
    this.symbols = symbols;
  }

  /**
   * Builds a table.
   *
   * @param counts counts[l] = number of codes of length l, l = 1..16 (index 0 unused)
   * @param symbols the symbol values, in code order
   * @param where describes the table for error messages (class, destination, offset)
   */
  static JpegExtHuffmanTable build(int[] counts, int[] symbols, String where) {
    JpegExtHuffmanTable t = new JpegExtHuffmanTable(symbols);
    int code = 0;
    int k = 0;
    for (int len = 1; len <= 16; len++) {
      int n = counts[len];
      t.delta[len] = k - code;
      for (int i = 0; i < n; i++) {
        if (code >= (1 << len)) {
          throw new DicomException(
              JpegExtendedDecoder.E_BAD_DHT,
              "Huffman table "
                  + where
                  + " is over-subscribed: "
                  + n
                  + " codes of length "
                  + len
                  + " do not fit");
        }
        if (len <= LOOKAHEAD) {
          int shift = LOOKAHEAD - len;
          int base = code << shift;
          int entry = (len << 8) | symbols[k];
          for (int j = 0; j < (1 << shift); j++) {
            t.fast[base + j] = entry;
          }
        }
        code++;
        k++;
      }
      t.maxCode[len] = n > 0 ? code - 1 : -1;
      code <<= 1;
    }
    return t;
  }
}
