package org.fusioncds.dicom.codec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import org.fusioncds.dicom.DicomException;

/**
 * The bit reader of Huffman-coded JPEG entropy-coded segments (ITU-T T.81 F.2.2.3 to F.2.2.5, with
 * byte stuffing FF00 and restart markers RSTn, B.1.1.5), shared by the DCT and the lossless
 * decoders. Bits are held in a 64-bit buffer topped up to more than 56 bits; at a marker or the end
 * of the data zeros are padded in and counted, so that {@link #checkOverrun} can tell decoded data
 * from padding.
 *
 * <p>The fields are package-private so that the decoders' inner loops read and update them
 * directly: {@code acc} holds {@code bits} valid bits in its low end.
 */
final class JpegEntropyReader {

  private static final VarHandle BIG_ENDIAN_LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private final byte[] d;

  /** Offset of the next byte to read (on the FF of a marker once {@code markerHit}). */
  int rp;

  /** Bit buffer: the next bit to decode is bit {@code bits - 1}. */
  long acc;

  /** Valid bits in {@link #acc}. */
  int bits;

  /** Bits of padding (zeros after a marker or the end of the data) shifted into {@link #acc}. */
  int padBits;

  /** True once the reader stopped at a marker. */
  boolean markerHit;

  JpegEntropyReader(byte[] d) {
    this.d = d;
  }

  /** Starts reading entropy-coded data at {@code p}. */
  void start(int p) {
    rp = p;
    acc = 0;
    bits = 0;
    padBits = 0;
    markerHit = false;
  }

  /** True when one of the eight bytes of {@code v} is FF (a stuffed byte or a marker). */
  static boolean hasFF(long v) {
    return ((~v - 0x0101010101010101L) & v & 0x8080808080808080L) != 0;
  }

  /** Tops the bit buffer up to more than 56 bits; zeros are padded in at a marker or the end. */
  void fill() {
    byte[] data = d;
    int n = data.length;
    if (!markerHit && rp + 8 <= n) {
      long v = (long) BIG_ENDIAN_LONG.get(data, rp);
      if (!hasFF(v)) {
        // eight bytes without FF (no stuffing, no marker): as many as fit, at once
        int k = (64 - bits) >> 3;
        acc = k == 8 ? v : (acc << (8 * k)) | (v >>> (64 - 8 * k));
        bits += 8 * k;
        rp += k;
        return;
      }
    }
    while (bits <= 56) {
      int b;
      if (markerHit || rp >= n) {
        b = 0;
        padBits += 8;
      } else {
        b = data[rp] & 0xFF;
        if (b != 0xFF) {
          rp++;
        } else if (rp + 1 < n && data[rp + 1] == 0) {
          rp += 2;
        } else if (rp + 1 >= n) {
          rp = n;
          b = 0;
          padBits += 8;
        } else {
          markerHit = true; // rp stays on the marker
          b = 0;
          padBits += 8;
        }
      }
      acc = (acc << 8) | b;
      bits += 8;
    }
  }

  /** Decodes one code of table {@code t} (T.81 F.2.2.3); at least 16 bits must be buffered. */
  int decodeSymbol(JpegExtHuffmanTable t) {
    int peek = (int) (acc >>> (bits - 16)) & 0xFFFF;
    int e = t.fast[peek >>> (16 - JpegExtHuffmanTable.LOOKAHEAD)];
    if (e != 0) {
      bits -= e >>> 8;
      return e & 0xFF;
    }
    return decodeLong(t, peek);
  }

  private int decodeLong(JpegExtHuffmanTable t, int peek) {
    for (int l = JpegExtHuffmanTable.LOOKAHEAD + 1; l <= 16; l++) {
      int code = peek >>> (16 - l);
      if (code <= t.maxCode[l]) {
        bits -= l;
        return t.symbols[code + t.delta[l]];
      }
    }
    throw new DicomException(
        JpegExtendedDecoder.E_BAD_CODE,
        String.format(
            "invalid Huffman code: bits %s match no code of the table, in the entropy-coded data"
                + " near offset %d",
            Integer.toBinaryString(0x10000 | peek).substring(1), Math.max(0, rp - (bits + 7) / 8)));
  }

  /** Reads {@code s} (1..16) bits and extends them to a signed value (T.81 F.2.2.1). */
  int receiveExtend(int s) {
    int v = (int) (acc >>> (bits - s)) & ((1 << s) - 1);
    bits -= s;
    return v < (1 << (s - 1)) ? v - (1 << s) + 1 : v;
  }

  /** Fails when the decoder consumed bits that were not in the data (zeros padded in). */
  void checkOverrun(String unit, long index, long total) {
    if (padBits > bits) {
      if (markerHit) {
        throw new DicomException(
            JpegExtendedDecoder.E_ENTROPY_TRUNCATED,
            String.format(
                "entropy-coded data ends at marker FF%02X at offset %d inside %s %d of %d",
                d[rp + 1] & 0xFF, rp, unit, index, total));
      }
      throw new DicomException(
          JpegExtendedDecoder.E_ENTROPY_TRUNCATED,
          String.format(
              "codestream truncated: entropy-coded data ends at offset %d inside %s %d of %d",
              d.length, unit, index, total));
    }
  }

  /**
   * Offset of the next marker at or after {@code p} (skipping stuffed FF00 and, if asked, RSTn),
   * positioned on its first FF; {@code d.length} if there is none.
   */
  private int findMarker(int p, boolean skipRst) {
    int n = d.length;
    while (p + 1 < n) {
      if ((d[p] & 0xFF) != 0xFF) {
        p++;
        continue;
      }
      int m = d[p + 1] & 0xFF;
      if (m == 0x00 || (skipRst && m >= 0xD0 && m <= 0xD7)) {
        p += 2;
      } else if (m == 0xFF) {
        p++;
      } else {
        return p;
      }
    }
    return n;
  }

  /** Offset of the marker after the scan's data (restart markers skipped). */
  int endOfScan() {
    return findMarker(rp, true);
  }

  /** Reads restart marker RST{@code expected} and starts over after it (T.81 E.2.4). */
  void restart(int expected) {
    int p = findMarker(rp, false);
    if (p >= d.length) {
      throw new DicomException(
          JpegExtendedDecoder.E_ENTROPY_TRUNCATED,
          String.format(
              "codestream truncated: no restart marker RST%d after offset %d", expected, rp));
    }
    int m = d[p + 1] & 0xFF;
    if (m != 0xD0 + expected) {
      throw new DicomException(
          JpegExtendedDecoder.E_BAD_RESTART,
          String.format(
              "expected restart marker RST%d at offset %d, found FF%02X", expected, p, m));
    }
    start(p + 2);
  }
}
