package org.fusioncds.dicom.codec;

import java.util.Arrays;
import org.fusioncds.dicom.DicomException;
import org.fusioncds.error.ErrorCode;

/**
 * Decoder for sequential DCT-based, Huffman-coded JPEG (ITU-T T.81 processes 1, 2 and 4: baseline
 * SOF0 and extended sequential SOF1), with 8- or 12-bit sample precision: DICOM transfer syntaxes
 * 1.2.840.10008.1.2.4.50 and .51.
 *
 * <p>Supported: 1 or 3 components, sampling factors 1..4 (4:4:4, 4:2:2, 4:2:0 ...), interleaved and
 * non-interleaved scans (several scans per frame), restart intervals (DRI/RSTn), 8- and 16-bit
 * quantisation tables, tables redefined between scans. APPn, COM and reserved segments are skipped.
 * Refused with a coded error: progressive, lossless, arithmetic-coded and hierarchical JPEG, DNL
 * (height 0), precisions other than 8 and 12.
 *
 * <p>Output: the component values as coded ({@link #decode}) or converted from YCbCr to RGB ({@link
 * #decodeToRgb}), clamped to {@code [0, 2^precision - 1]}. Subsampled components are upsampled to
 * full resolution as libjpeg (and so DCMTK) does by default ({@link JpegExtendedOutput}). The
 * inverse DCT is libjpeg's integer "islow" one ({@link JpegIdct}), as in DCMTK.
 *
 * <p>Errors are {@link DicomException}s with codes 2250..2264. Hostile input (truncated streams,
 * missing or broken tables, bad Huffman codes, absurd dimensions) is refused before large
 * allocations; a frame header is refused when its block count could not possibly be coded in the
 * given number of bytes (each block needs at least 2 bits).
 *
 * <p>All state lives in a per-call instance: {@link #decode} is thread-safe.
 */
public final class JpegExtendedDecoder {

  /** The input is not a JPEG codestream (no SOI at offset 0, or empty). */
  static final ErrorCode E_NOT_JPEG = ErrorCode.JPEG_NOT_JPEG;

  /** The codestream ends inside a marker segment or before the image is complete. */
  static final ErrorCode E_TRUNCATED = ErrorCode.JPEG_TRUNCATED;

  /** A JPEG process other than sequential DCT with Huffman coding. */
  static final ErrorCode E_UNSUPPORTED_PROCESS = ErrorCode.JPEG_UNSUPPORTED_PROCESS;

  /** Invalid or unsupported frame header (SOF) content. */
  static final ErrorCode E_BAD_FRAME = ErrorCode.JPEG_BAD_FRAME;

  /** The image is larger than this decoder will allocate. */
  static final ErrorCode E_TOO_LARGE = ErrorCode.JPEG_TOO_LARGE;

  /** A scan refers to a quantisation or Huffman table that was never defined. */
  static final ErrorCode E_MISSING_TABLE = ErrorCode.JPEG_MISSING_TABLE;

  /** Invalid DQT segment. */
  static final ErrorCode E_BAD_DQT = ErrorCode.JPEG_BAD_DQT;

  /** Invalid DHT segment. */
  static final ErrorCode E_BAD_DHT = ErrorCode.JPEG_BAD_DHT;

  /** Invalid SOS segment. */
  static final ErrorCode E_BAD_SOS = ErrorCode.JPEG_BAD_SOS;

  /** A bit sequence in the entropy-coded data that is not a code of the Huffman table. */
  static final ErrorCode E_BAD_CODE = ErrorCode.JPEG_BAD_CODE;

  /** The entropy-coded data ends (end of stream or a marker) before all blocks are decoded. */
  static final ErrorCode E_ENTROPY_TRUNCATED = ErrorCode.JPEG_ENTROPY_TRUNCATED;

  /** Invalid coefficient coding: magnitude category out of range or run past coefficient 63. */
  static final ErrorCode E_BAD_COEFFICIENT = ErrorCode.JPEG_BAD_COEFFICIENT;

  /** Invalid DRI segment or a restart marker missing or out of sequence. */
  static final ErrorCode E_BAD_RESTART = ErrorCode.JPEG_BAD_RESTART;

  /** The codestream has no frame, no scan, or a component that no scan codes. */
  static final ErrorCode E_INCOMPLETE = ErrorCode.JPEG_INCOMPLETE;

  /** A marker where it is not allowed (second SOI or SOF, SOS before SOF, garbage for a marker). */
  static final ErrorCode E_UNEXPECTED_MARKER = ErrorCode.JPEG_UNEXPECTED_MARKER;

  /** Refuse frames with more samples than this (width * height * components). */
  static final long MAX_SAMPLES = 1L << 28;

  /** ZIGZAG[k] = natural (row-major) index of the k-th coefficient in zig-zag order. */
  static final int[] ZIGZAG = new int[64 + 16];

  static {
    int k = 0;
    for (int s = 0; s < 15; s++) {
      if ((s & 1) == 0) {
        for (int row = Math.min(s, 7); row >= Math.max(0, s - 7); row--) {
          ZIGZAG[k++] = row * 8 + (s - row);
        }
      } else {
        for (int row = Math.max(0, s - 7); row <= Math.min(s, 7); row++) {
          ZIGZAG[k++] = row * 8 + (s - row);
        }
      }
    }
    Arrays.fill(ZIGZAG, 64, ZIGZAG.length, 63);
  }

  /** One frame component. */
  private static final class Component {
    final int id;
    final int h;
    final int v;
    final int tq;
    int compWidth;
    int compHeight;
    int blocksWide;
    int blocksHigh;
    int stride;
    short[] plane;
    boolean coded;
    int pred;
    int[] quant;
    JpegExtHuffmanTable dc;
    JpegExtHuffmanTable ac;

    Component(int id, int h, int v, int tq) {
      this.id = id;
      this.h = h;
      this.v = v;
      this.tq = tq;
    }
  }

  private final byte[] d;
  private int pos;

  private final int[][] quantTables = new int[4][];
  private final JpegExtHuffmanTable[] dcTables = new JpegExtHuffmanTable[4];
  private final JpegExtHuffmanTable[] acTables = new JpegExtHuffmanTable[4];
  private int restartInterval;

  private int precision;
  private int width;
  private int height;
  private Component[] comps;
  private int hmax;
  private int vmax;
  private int mcusX;
  private int mcusY;
  private int scans;

  /** Lossless (SOF3, process 14) instead of DCT (SOF0, SOF1); see {@link JpegLosslessDecoder}. */
  private final boolean lossless;

  /** DCT only: convert 3 components from YCbCr to RGB while assembling the output. */
  private final boolean toRgb;

  /** Lossless only: the decoded samples, interleaved by pixel. */
  private int[] samples;

  private final JpegEntropyReader in;
  private final int[] coef = new int[64];
  private JpegIdct idct;

  private JpegExtendedDecoder(byte[] d, boolean lossless, boolean toRgb) {
    this.d = d;
    this.lossless = lossless;
    this.toRgb = toRgb;
    this.in = new JpegEntropyReader(d);
  }

  /**
   * Decodes one sequential DCT Huffman JPEG codestream (SOI..EOI; bytes after EOI ignored).
   *
   * @param codestream the JPEG codestream, starting with SOI
   * @return the decoded image
   * @throws DicomException (codes 2250..2264) when the codestream is invalid, truncated or uses an
   *     unsupported JPEG process
   */
  public static JpegExtendedImage decode(byte[] codestream) {
    return decode(codestream, false, false);
  }

  /**
   * As {@link #decode(byte[])}, and for 3 components converts YBR_FULL (YCbCr) to RGB ({@link
   * YbrFullColor}) in the same pass as the upsampling: the samples are R, G, B.
   */
  public static JpegExtendedImage decodeToRgb(byte[] codestream) {
    return decode(codestream, false, true);
  }

  /** Decodes a DCT codestream, or a lossless one when {@code lossless} (and only that). */
  static JpegExtendedImage decode(byte[] codestream, boolean lossless, boolean toRgb) {
    if (codestream == null || codestream.length < 2) {
      throw new DicomException(
          E_NOT_JPEG,
          "not a JPEG codestream: "
              + (codestream == null ? "no data" : codestream.length + " byte(s)"));
    }
    return new JpegExtendedDecoder(codestream, lossless, toRgb).run();
  }

  private JpegExtendedImage run() {
    if ((d[0] & 0xFF) != 0xFF || (d[1] & 0xFF) != 0xD8) {
      throw new DicomException(
          E_NOT_JPEG,
          String.format(
              "not a JPEG codestream: no SOI marker (FFD8) at offset 0, found %02X%02X",
              d[0] & 0xFF, d[1] & 0xFF));
    }
    pos = 2;
    boolean sawEoi = false;
    while (pos < d.length) {
      int markerOffset = pos;
      int m = nextMarker();
      if (m < 0) {
        break;
      }
      if (m == 0xD9) {
        sawEoi = true;
        break;
      }
      if (m == 0xD8) {
        throw new DicomException(
            E_UNEXPECTED_MARKER, "second SOI marker (FFD8) at offset " + markerOffset);
      }
      if ((m >= 0xD0 && m <= 0xD7) || m == 0x01) {
        continue; // stray RSTn or TEM: no segment
      }
      int len = segmentLength(m, markerOffset);
      int start = pos + 4;
      int end = pos + len;
      switch (m) {
        case 0xC0, 0xC1 -> {
          if (lossless) {
            throw unsupported(m, markerOffset, "sequential DCT");
          }
          readFrame(m, markerOffset, start, end);
        }
        case 0xC3 -> {
          if (!lossless) {
            throw unsupported(m, markerOffset, "lossless");
          }
          readFrame(m, markerOffset, start, end);
        }
        case 0xC4 -> readHuffmanTables(markerOffset, start, end);
        case 0xDB -> readQuantTables(markerOffset, start, end);
        case 0xDD -> readRestartInterval(markerOffset, start, end);
        case 0xDA -> {
          readScan(markerOffset, start, end);
          continue; // pos was moved past the entropy-coded data
        }
        case 0xC2, 0xC6, 0xCA, 0xCE -> throw unsupported(m, markerOffset, "progressive DCT");
        case 0xC7, 0xCB, 0xCF -> throw unsupported(m, markerOffset, "lossless");
        case 0xC5, 0xCD, 0xDE, 0xDF -> throw unsupported(m, markerOffset, "hierarchical");
        case 0xC9 -> throw unsupported(m, markerOffset, "arithmetic-coded extended sequential DCT");
        case 0xCC -> throw unsupported(m, markerOffset, "arithmetic coding (DAC)");
        case 0xDC ->
            throw unsupported(m, markerOffset, "number of lines defined after the scan (DNL)");
        default -> {
          // APPn, COM, JPG, JPGn and reserved markers: skipped
        }
      }
      pos = end;
    }
    if (comps == null) {
      throw new DicomException(
          sawEoi ? E_INCOMPLETE : E_TRUNCATED,
          "no frame header (SOF0/SOF1) found before "
              + (sawEoi ? "EOI at offset " + (pos - 2) : "the end of the data at offset " + pos));
    }
    if (scans == 0) {
      throw new DicomException(
          sawEoi ? E_INCOMPLETE : E_TRUNCATED,
          "no scan (SOS) found before "
              + (sawEoi ? "EOI at offset " + (pos - 2) : "the end of the data at offset " + pos));
    }
    for (Component c : comps) {
      if (!c.coded) {
        throw new DicomException(
            sawEoi ? E_INCOMPLETE : E_TRUNCATED,
            "component "
                + c.id
                + " is coded by no scan before "
                + (sawEoi ? "EOI" : "the end of the data at offset " + pos));
      }
    }
    // A missing EOI after complete entropy-coded data is tolerated (libjpeg does too).
    return assemble();
  }

  private DicomException unsupported(int m, int offset, String what) {
    return new DicomException(
        E_UNSUPPORTED_PROCESS,
        String.format(
            "unsupported JPEG process: marker FF%02X (%s) at offset %d; only %s is supported",
            m,
            what,
            offset,
            lossless
                ? "lossless Huffman coding (SOF3) for this transfer syntax"
                : "sequential DCT with Huffman coding (SOF0, SOF1)"));
  }

  /**
   * Reads a marker at {@code pos} (fill bytes FF allowed) and leaves {@code pos} on its FF byte.
   * Returns the marker code, or -1 at the end of the data.
   */
  private int nextMarker() {
    int p = pos;
    if ((d[p] & 0xFF) != 0xFF) {
      throw new DicomException(
          E_UNEXPECTED_MARKER,
          String.format("expected a marker (FFxx) at offset %d, found byte %02X", p, d[p] & 0xFF));
    }
    while (p + 1 < d.length && (d[p + 1] & 0xFF) == 0xFF) {
      p++;
    }
    if (p + 1 >= d.length) {
      pos = d.length;
      return -1;
    }
    int m = d[p + 1] & 0xFF;
    if (m == 0x00) {
      throw new DicomException(
          E_UNEXPECTED_MARKER, "expected a marker at offset " + p + ", found stuffed byte FF00");
    }
    pos = p;
    if (m == 0xD9 || m == 0xD8 || (m >= 0xD0 && m <= 0xD7) || m == 0x01) {
      pos = p + 2;
    }
    return m;
  }

  /** Length of the segment of the marker at {@code pos}, checked against the data. */
  private int segmentLength(int m, int markerOffset) {
    if (pos + 4 > d.length) {
      throw new DicomException(
          E_TRUNCATED,
          String.format(
              "codestream ends inside the length of marker FF%02X at offset %d (%d byte(s) total)",
              m, markerOffset, d.length));
    }
    int len = u16(pos + 2);
    if (len < 2) {
      throw new DicomException(
          E_UNEXPECTED_MARKER,
          String.format(
              "marker segment FF%02X at offset %d has invalid length %d", m, markerOffset, len));
    }
    if (pos + 2 + len > d.length) {
      throw new DicomException(
          E_TRUNCATED,
          String.format(
              "marker segment FF%02X at offset %d declares length %d but only %d byte(s) remain",
              m, markerOffset, len, d.length - pos - 2));
    }
    return len + 2;
  }

  private int u8(int p) {
    return d[p] & 0xFF;
  }

  private int u16(int p) {
    return ((d[p] & 0xFF) << 8) | (d[p + 1] & 0xFF);
  }

  // ---------------------------------------------------------------- marker segments

  private void readFrame(int m, int offset, int p, int end) {
    if (comps != null) {
      throw new DicomException(
          E_UNEXPECTED_MARKER,
          String.format(
              "second frame header FF%02X at offset %d (only one frame allowed)", m, offset));
    }
    if (end - p < 6) {
      throw new DicomException(
          E_BAD_FRAME, "frame header at offset " + offset + " is too short: " + (end - p + 2));
    }
    int prec = u8(p);
    int y = u16(p + 1);
    int x = u16(p + 3);
    int nf = u8(p + 5);
    if (lossless ? prec < 2 || prec > 16 : prec != 8 && prec != 12) {
      throw new DicomException(
          E_BAD_FRAME,
          "sample precision "
              + prec
              + " at offset "
              + p
              + " is not supported ("
              + (lossless ? "2..16" : "8 or 12")
              + ")");
    }
    if (y == 0) {
      throw new DicomException(
          E_BAD_FRAME,
          "frame height 0 at offset " + (p + 1) + " (lines defined by DNL) is not supported");
    }
    if (x == 0) {
      throw new DicomException(E_BAD_FRAME, "frame width 0 at offset " + (p + 3));
    }
    if (nf != 1 && nf != 3) {
      throw new DicomException(
          E_BAD_FRAME,
          "frame with " + nf + " components at offset " + (p + 5) + " (1 or 3 supported)");
    }
    if (end - p != 6 + 3 * nf) {
      throw new DicomException(
          E_BAD_FRAME,
          "frame header at offset "
              + offset
              + " has length "
              + (end - p + 2)
              + ", expected "
              + (8 + 3 * nf)
              + " for "
              + nf
              + " components");
    }
    long samples = (long) x * y * nf;
    if (samples > MAX_SAMPLES) {
      throw new DicomException(
          E_TOO_LARGE,
          String.format(
              "frame of %d x %d x %d components = %d samples exceeds the limit of %d",
              x, y, nf, samples, MAX_SAMPLES));
    }
    Component[] cs = new Component[nf];
    int hm = 1;
    int vm = 1;
    for (int i = 0; i < nf; i++) {
      int q = p + 6 + 3 * i;
      int id = u8(q);
      int h = u8(q + 1) >> 4;
      int v = u8(q + 1) & 15;
      int tq = u8(q + 2);
      if (lossless && (h != 1 || v != 1)) {
        throw new DicomException(
            E_BAD_FRAME,
            String.format(
                "lossless component %d has sampling factors %dx%d at offset %d (only 1x1 is"
                    + " supported)",
                id, h, v, q + 1));
      }
      if (h < 1 || h > 4 || v < 1 || v > 4) {
        throw new DicomException(
            E_BAD_FRAME,
            String.format(
                "component %d has sampling factors %dx%d at offset %d (1..4 allowed)",
                id, h, v, q + 1));
      }
      if (tq > 3) {
        throw new DicomException(
            E_BAD_FRAME,
            "component " + id + " refers to quantisation table " + tq + " at offset " + (q + 2));
      }
      for (int j = 0; j < i; j++) {
        if (cs[j].id == id) {
          throw new DicomException(
              E_BAD_FRAME, "component identifier " + id + " repeated at offset " + q);
        }
      }
      cs[i] = new Component(id, h, v, tq);
      hm = Math.max(hm, h);
      vm = Math.max(vm, v);
    }
    long blocks = 0;
    for (Component c : cs) {
      c.compWidth = ceilDiv(x * c.h, hm);
      c.compHeight = ceilDiv(y * c.v, vm);
      c.blocksWide = ceilDiv(c.compWidth, 8);
      c.blocksHigh = ceilDiv(c.compHeight, 8);
      blocks += (long) c.blocksWide * c.blocksHigh;
    }
    if (lossless && samples > 8L * d.length) {
      // Every lossless sample costs at least one Huffman code of >= 1 bit.
      throw new DicomException(
          E_TRUNCATED,
          String.format(
              "lossless frame of %d x %d x %d components needs at least %d bytes of coded data,"
                  + " but the codestream has only %d bytes",
              x, y, nf, ceilDiv(samples, 8), d.length));
    }
    // Every block costs at least one DC and one AC Huffman code of >= 1 bit each.
    if (!lossless && blocks > 4L * d.length) {
      throw new DicomException(
          E_TRUNCATED,
          String.format(
              "frame of %d x %d (%d blocks) needs at least %d bytes of coded data, but the"
                  + " codestream has only %d bytes",
              x, y, blocks, ceilDiv(blocks, 4), d.length));
    }
    precision = prec;
    idct = lossless ? null : new JpegIdct(prec);
    width = x;
    height = y;
    hmax = hm;
    vmax = vm;
    mcusX = ceilDiv(x, 8 * hm);
    mcusY = ceilDiv(y, 8 * vm);
    comps = cs;
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }

  private void readQuantTables(int offset, int p, int end) {
    if (p == end) {
      throw new DicomException(E_BAD_DQT, "empty DQT segment at offset " + offset);
    }
    while (p < end) {
      int pq = u8(p) >> 4;
      int tq = u8(p) & 15;
      if (pq > 1 || tq > 3) {
        throw new DicomException(
            E_BAD_DQT,
            String.format(
                "DQT at offset %d: invalid precision/destination byte %02X at offset %d",
                offset, u8(p), p));
      }
      int size = 64 * (pq + 1);
      if (p + 1 + size > end) {
        throw new DicomException(
            E_BAD_DQT,
            "DQT at offset "
                + offset
                + ": table "
                + tq
                + " needs "
                + size
                + " bytes, only "
                + (end - p - 1)
                + " remain in the segment");
      }
      int[] q = new int[64];
      for (int k = 0; k < 64; k++) {
        q[k] = pq == 0 ? u8(p + 1 + k) : u16(p + 1 + 2 * k);
      }
      quantTables[tq] = q;
      p += 1 + size;
    }
  }

  private void readHuffmanTables(int offset, int p, int end) {
    if (p == end) {
      throw new DicomException(E_BAD_DHT, "empty DHT segment at offset " + offset);
    }
    while (p < end) {
      int tc = u8(p) >> 4;
      int th = u8(p) & 15;
      if (tc > 1 || th > 3) {
        throw new DicomException(
            E_BAD_DHT,
            String.format(
                "DHT at offset %d: invalid class/destination byte %02X at offset %d",
                offset, u8(p), p));
      }
      if (p + 17 > end) {
        throw new DicomException(
            E_BAD_DHT, "DHT at offset " + offset + ": code-length counts run past the segment");
      }
      int[] counts = new int[17];
      int total = 0;
      for (int l = 1; l <= 16; l++) {
        counts[l] = u8(p + l);
        total += counts[l];
      }
      if (total > 256 || p + 17 + total > end) {
        throw new DicomException(
            E_BAD_DHT,
            "DHT at offset "
                + offset
                + ": table with "
                + total
                + " symbols at offset "
                + p
                + " does not fit the segment (or exceeds 256)");
      }
      int[] symbols = new int[total];
      for (int i = 0; i < total; i++) {
        symbols[i] = u8(p + 17 + i);
      }
      String where = (tc == 0 ? "DC" : "AC") + th + " at offset " + p;
      JpegExtHuffmanTable t = JpegExtHuffmanTable.build(counts, symbols, where);
      if (tc == 0) {
        dcTables[th] = t;
      } else {
        acTables[th] = t;
      }
      p += 17 + total;
    }
  }

  private void readRestartInterval(int offset, int p, int end) {
    if (end - p != 2) {
      throw new DicomException(
          E_BAD_RESTART,
          "DRI segment at offset " + offset + " has length " + (end - p + 2) + ", expected 4");
    }
    restartInterval = u16(p);
  }

  private void readScan(int offset, int p, int end) {
    if (comps == null) {
      throw new DicomException(
          E_UNEXPECTED_MARKER,
          "scan header (SOS) at offset " + offset + " before any frame header");
    }
    int ns = end > p ? u8(p) : 0;
    if (ns < 1 || ns > comps.length) {
      throw new DicomException(
          E_BAD_SOS,
          "scan at offset "
              + offset
              + " has "
              + ns
              + " components (frame has "
              + comps.length
              + ")");
    }
    if (end - p != 4 + 2 * ns) {
      throw new DicomException(
          E_BAD_SOS,
          "scan header at offset "
              + offset
              + " has length "
              + (end - p + 2)
              + ", expected "
              + (6 + 2 * ns));
    }
    Component[] sc = new Component[ns];
    int blocksPerMcu = 0;
    for (int i = 0; i < ns; i++) {
      int q = p + 1 + 2 * i;
      int cid = u8(q);
      int td = u8(q + 1) >> 4;
      int ta = u8(q + 1) & 15;
      Component c = null;
      for (Component f : comps) {
        if (f.id == cid) {
          c = f;
        }
      }
      if (c == null) {
        throw new DicomException(
            E_BAD_SOS,
            "scan at offset " + offset + " names component " + cid + ", not in the frame");
      }
      for (int j = 0; j < i; j++) {
        if (sc[j] == c) {
          throw new DicomException(
              E_BAD_SOS, "scan at offset " + offset + " names component " + cid + " twice");
        }
      }
      if (c.coded) {
        throw new DicomException(
            E_BAD_SOS,
            "scan at offset " + offset + " codes component " + cid + " again (sequential JPEG)");
      }
      if (td > 3 || dcTables[td] == null) {
        throw new DicomException(
            E_MISSING_TABLE,
            "scan at offset "
                + offset
                + ": component "
                + cid
                + " uses DC Huffman table "
                + td
                + ", which is not defined");
      }
      if (lossless) {
        c.dc = dcTables[td];
        sc[i] = c;
        continue; // no AC or quantisation tables in lossless JPEG
      }
      if (ta > 3 || acTables[ta] == null) {
        throw new DicomException(
            E_MISSING_TABLE,
            "scan at offset "
                + offset
                + ": component "
                + cid
                + " uses AC Huffman table "
                + ta
                + ", which is not defined");
      }
      if (quantTables[c.tq] == null) {
        throw new DicomException(
            E_MISSING_TABLE,
            "scan at offset "
                + offset
                + ": component "
                + cid
                + " uses quantisation table "
                + c.tq
                + ", which is not defined");
      }
      c.dc = dcTables[td];
      c.ac = acTables[ta];
      c.quant = quantTables[c.tq];
      blocksPerMcu += c.h * c.v;
      sc[i] = c;
    }
    if (lossless) {
      scans++;
      readLosslessScan(offset, p + 1 + 2 * ns, sc, end);
      return;
    }
    if (ns > 1 && blocksPerMcu > 10) {
      throw new DicomException(
          E_BAD_SOS,
          "interleaved scan at offset "
              + offset
              + " has "
              + blocksPerMcu
              + " blocks per MCU (max 10)");
    }
    // Ss, Se, Ah/Al are not checked: some sequential encoders write zeros there (libjpeg warns).
    for (Component c : sc) {
      if (c.plane == null) {
        c.stride = mcusX * c.h * 8;
        c.plane = new short[c.stride * mcusY * c.v * 8];
      }
    }
    scans++;
    decodeScan(sc, end);
  }

  /**
   * Checks the selection value (Ss, predictor 1..7), Se = 0, Ah = 0 and the point transform (Al
   * below the precision) of a lossless scan (T.81 H.2.2), then decodes it.
   */
  private void readLosslessScan(int offset, int p, Component[] sc, int dataStart) {
    int psv = u8(p);
    int se = u8(p + 1);
    int ah = u8(p + 2) >> 4;
    int pt = u8(p + 2) & 15;
    if (psv < 1 || psv > 7) {
      throw new DicomException(
          E_BAD_SOS,
          "lossless scan at offset " + offset + " has selection value " + psv + " (1..7 allowed)");
    }
    if (se != 0 || ah != 0 || pt >= precision) {
      throw new DicomException(
          E_BAD_SOS,
          String.format(
              "lossless scan at offset %d has Se %d, Ah %d, point transform %d (0, 0 and below"
                  + " the precision %d expected)",
              offset, se, ah, pt, precision));
    }
    if (restartInterval % width != 0) {
      // libjpeg (and so DCMTK) refuses restart intervals that are not whole lines, too
      throw new DicomException(
          E_BAD_RESTART,
          "lossless restart interval "
              + restartInterval
              + " is not a multiple of the line width "
              + width);
    }
    if (samples == null) {
      samples = new int[width * height * comps.length];
    }
    int[] index = new int[sc.length];
    JpegExtHuffmanTable[] tables = new JpegExtHuffmanTable[sc.length];
    for (int i = 0; i < sc.length; i++) {
      index[i] = java.util.List.of(comps).indexOf(sc[i]);
      tables[i] = sc[i].dc;
    }
    JpegLosslessScan scan =
        new JpegLosslessScan(in, samples, width, height, comps.length, precision, restartInterval);
    scan.decode(dataStart, index, tables, psv, pt);
    for (Component c : sc) {
      c.coded = true;
    }
    pos = in.endOfScan();
  }

  // ---------------------------------------------------------------- entropy-coded data

  private void decodeScan(Component[] sc, int dataStart) {
    in.start(dataStart);
    for (Component c : sc) {
      c.pred = 0;
    }
    int ri = restartInterval;
    int nextRst = 0;
    if (sc.length == 1) {
      Component c = sc[0];
      int bw = c.blocksWide;
      int total = bw * c.blocksHigh;
      int bx = 0;
      int by = 0;
      for (int mcu = 0; mcu < total; mcu++) {
        if (ri > 0 && mcu > 0 && mcu % ri == 0) {
          restart(sc, nextRst);
          nextRst = (nextRst + 1) & 7;
        }
        decodeBlock(c, bx, by);
        in.checkOverrun("MCU", mcu, total);
        if (++bx == bw) {
          bx = 0;
          by++;
        }
      }
    } else {
      int total = mcusX * mcusY;
      for (int mcu = 0; mcu < total; mcu++) {
        if (ri > 0 && mcu > 0 && mcu % ri == 0) {
          restart(sc, nextRst);
          nextRst = (nextRst + 1) & 7;
        }
        int mx = mcu % mcusX;
        int my = mcu / mcusX;
        for (Component c : sc) {
          for (int v = 0; v < c.v; v++) {
            for (int h = 0; h < c.h; h++) {
              decodeBlock(c, mx * c.h + h, my * c.v + v);
            }
          }
        }
        in.checkOverrun("MCU", mcu, total);
      }
    }
    for (Component c : sc) {
      c.coded = true;
    }
    pos = in.endOfScan();
  }

  private void restart(Component[] sc, int expected) {
    in.restart(expected);
    for (Component c : sc) {
      c.pred = 0;
    }
  }

  private void decodeBlock(Component c, int bx, int by) {
    int[] z = coef; // all zero between blocks: cleared after each transform below
    int[] q = c.quant;
    JpegEntropyReader in = this.in;
    if (in.bits < 32) {
      in.fill();
    }
    int t = in.decodeSymbol(c.dc);
    if (t != 0) {
      if (t > 15) {
        throw new DicomException(
            E_BAD_COEFFICIENT,
            "DC difference category "
                + t
                + " (max 15) near offset "
                + in.rp
                + " of component "
                + c.id);
      }
      c.pred += in.receiveExtend(t);
    }
    z[0] = c.pred * q[0];
    boolean acPresent = false;
    JpegExtHuffmanTable ac = c.ac;
    for (int k = 1; k < 64; ) {
      if (in.bits < 32) {
        in.fill();
      }
      int rs = in.decodeSymbol(ac);
      int r = rs >>> 4;
      int s = rs & 15;
      if (s == 0) {
        if (r != 15) {
          break;
        }
        k += 16;
        continue;
      }
      k += r;
      if (k > 63) {
        throw new DicomException(
            E_BAD_COEFFICIENT,
            "AC run reaches coefficient "
                + k
                + " (max 63) near offset "
                + in.rp
                + " of component "
                + c.id);
      }
      z[ZIGZAG[k]] = in.receiveExtend(s) * q[k];
      acPresent = true;
      k++;
    }
    if (acPresent) {
      idct.transform(z, c.plane, by * 8 * c.stride + bx * 8, c.stride);
      Arrays.fill(z, 0);
    } else {
      idct.transformDc(z[0], c.plane, by * 8 * c.stride + bx * 8, c.stride);
      z[0] = 0;
    }
  }

  // ---------------------------------------------------------------- output

  private JpegExtendedImage assemble() {
    if (lossless) {
      return new JpegExtendedImage(width, height, comps.length, precision, samples);
    }
    JpegExtendedOutput.Plane[] planes = new JpegExtendedOutput.Plane[comps.length];
    for (int i = 0; i < comps.length; i++) {
      Component c = comps[i];
      planes[i] =
          new JpegExtendedOutput.Plane(c.plane, c.stride, c.compWidth, c.compHeight, c.h, c.v);
    }
    int[] out = JpegExtendedOutput.assemble(planes, width, height, precision, toRgb);
    return new JpegExtendedImage(width, height, comps.length, precision, out);
  }
}
