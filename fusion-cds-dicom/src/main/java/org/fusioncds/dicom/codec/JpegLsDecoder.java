package org.fusioncds.dicom.codec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.fusioncds.dicom.DicomException;
import org.fusioncds.error.ErrorCode;

/**
 * A JPEG-LS decoder (ITU-T T.87 | ISO/IEC 14495-1), lossless and near-lossless, for the DICOM
 * transfer syntaxes 1.2.840.10008.1.2.4.80 and 1.2.840.10008.1.2.4.81.
 *
 * <p>Supported: 2 to 16 bits per sample, 1 or 3 components, interleave modes none, line and sample,
 * any NEAR, default and custom preset coding parameters (LSE type 1), restart intervals (DRI and
 * RSTm). Refused with a coded error: mapping tables (LSE types 2 and 3), oversize dimensions (LSE
 * type 4), the HP colour transforms (APP8 "mrfx"), subsampled components, point transforms, a
 * height given by DNL.
 *
 * <p>Error codes 2200–2216: 2200 not a JPEG-LS codestream, 2201 truncated, 2202 markers out of
 * order, 2203 unsupported marker, 2204 bits per sample, 2205 dimensions, 2206 image too large, 2207
 * components, 2208 scan header, 2209 preset parameters, 2210 mapping tables and other LSE types,
 * 2211 colour transform, 2212 corrupt entropy-coded data, 2213 restart marker, 2214 segment length,
 * 2215 components never decoded, 2216 point transform.
 */
public final class JpegLsDecoder {

  /** The largest width × height × components decoded; larger images are refused. */
  public static final long MAX_SAMPLES = 1L << 28;

  private static final int[] J = {
    0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 9, 10, 11, 12, 13,
    14, 15
  };
  private static final int MIN_C = -128;
  private static final int MAX_C = 127;

  /** 365 regular contexts, then the two run interruption contexts (RItype 0 and 1). */
  private static final int CONTEXTS = 367;

  private static final VarHandle BIG_ENDIAN_LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private final byte[] data;
  private final int end;
  private int pos;

  // frame
  private boolean frameSeen;
  private int width;
  private int height;
  private int components;
  private int bits;
  private int[] componentIds;
  private boolean[] componentDone;
  private int[] samples;
  private int scans;
  private int largestNear;

  // preset coding parameters of the last LSE type 1 (0 = default)
  private int presetMaxval;
  private int presetT1;
  private int presetT2;
  private int presetT3;
  private int presetReset;
  private int restartInterval;

  // parameters of the current scan
  private int maxval;
  private int near;
  private int qdelta;
  private int range;
  private int qbpp;
  private int limit;
  private int reset;
  private byte[] qtable;
  private int qoffset;
  private final long[] ctxA = new long[CONTEXTS];
  private final int[] ctxB = new int[CONTEXTS];
  private final int[] ctxC = new int[CONTEXTS];
  private final int[] ctxN = new int[CONTEXTS];
  private final int[] ctxNn = new int[2];
  private int runIndex;

  // bit reader of the entropy-coded segment
  private long cache;
  private int cacheBits;
  private boolean lastFF;
  private boolean atEnd;
  private long virtualBits;

  private JpegLsDecoder(byte[] data) {
    this.data = data;
    this.end = data.length;
  }

  /** Decodes one JPEG-LS codestream (SOI..EOI; bytes after EOI ignored). */
  public static JpegLsImage decode(byte[] codestream) {
    if (codestream == null) {
      throw new DicomException(ErrorCode.JPEG_LS_NO_SOI, "JPEG-LS codestream is null");
    }
    return new JpegLsDecoder(codestream).run();
  }

  // ---------------------------------------------------------------- markers and segments

  private JpegLsImage run() {
    if (end < 2 || u8(0) != 0xFF || u8(1) != 0xD8) {
      throw new DicomException(
          ErrorCode.JPEG_LS_NO_SOI,
          "JPEG-LS codestream does not start with SOI 0xFFD8 at offset 0 (found "
              + (end < 2 ? end + " byte(s)" : String.format("0x%02X%02X", u8(0), u8(1)))
              + ")");
    }
    pos = 2;
    while (true) {
      int markerOffset = pos;
      int marker = readMarker();
      switch (marker) {
        case 0xFFF7 -> readFrameHeader(markerOffset);
        case 0xFFF8 -> readPresetParameters(markerOffset);
        case 0xFFDD -> readRestartInterval(markerOffset);
        case 0xFFDA -> readScan(markerOffset);
        case 0xFFD9 -> {
          return finish(markerOffset);
        }
        case 0xFFE8 -> readApp8(markerOffset);
        case 0xFFD8 ->
            throw new DicomException(
                ErrorCode.JPEG_LS_MARKER_MISPLACED,
                "JPEG-LS marker SOI 0xFFD8 at offset " + markerOffset + " appears a second time");
        default -> {
          if ((marker >= 0xFFE0 && marker <= 0xFFEF) || marker == 0xFFFE) {
            pos = segmentEnd(marker, markerOffset); // APPn, COM: skipped
          } else if (marker >= 0xFFD0 && marker <= 0xFFD7) {
            throw new DicomException(
                ErrorCode.JPEG_LS_MARKER_MISPLACED,
                String.format(
                    "JPEG-LS restart marker 0x%04X at offset %d is outside a scan",
                    marker, markerOffset));
          } else {
            throw new DicomException(
                ErrorCode.JPEG_LS_MARKER_UNSUPPORTED,
                String.format(
                    "JPEG-LS marker 0x%04X at offset %d is not supported%s",
                    marker, markerOffset, describeUnsupported(marker)));
          }
        }
      }
    }
  }

  private static String describeUnsupported(int marker) {
    if (marker >= 0xFFC0 && marker <= 0xFFCF && marker != 0xFFC4 && marker != 0xFFCC) {
      return " (a frame of another JPEG process, not JPEG-LS SOF55 0xFFF7)";
    }
    if (marker == 0xFFDC) {
      return " (DNL: the height must be in the frame header)";
    }
    return "";
  }

  private JpegLsImage finish(int markerOffset) {
    if (!frameSeen) {
      throw new DicomException(
          ErrorCode.JPEG_LS_MARKER_MISPLACED,
          "JPEG-LS EOI at offset " + markerOffset + " comes before any frame header SOF55");
    }
    for (int c = 0; c < components; c++) {
      if (!componentDone[c]) {
        throw new DicomException(
            ErrorCode.JPEG_LS_INCOMPLETE,
            "JPEG-LS EOI at offset "
                + markerOffset
                + " but component "
                + componentIds[c]
                + " was in no scan");
      }
    }
    return new JpegLsImage(width, height, components, bits, largestNear, samples);
  }

  /** Reads the marker at pos (skipping fill bytes 0xFF) and returns it; pos is then after it. */
  private int readMarker() {
    if (pos >= end) {
      throw new DicomException(
          ErrorCode.JPEG_LS_TRUNCATED,
          "JPEG-LS codestream ends at offset " + pos + " without EOI 0xFFD9");
    }
    if (u8(pos) != 0xFF) {
      throw new DicomException(
          ErrorCode.JPEG_LS_MARKER_MISPLACED,
          String.format(
              "JPEG-LS expected a marker at offset %d but found byte 0x%02X", pos, u8(pos)));
    }
    while (pos + 1 < end && u8(pos + 1) == 0xFF) {
      pos++;
    }
    if (pos + 1 >= end) {
      throw new DicomException(
          ErrorCode.JPEG_LS_TRUNCATED,
          "JPEG-LS codestream ends at offset " + end + " inside a marker, without EOI");
    }
    int marker = 0xFF00 | u8(pos + 1);
    pos += 2;
    return marker;
  }

  /** Reads the length of the segment at pos, leaves pos at its payload, returns its end. */
  private int segmentEnd(int marker, int markerOffset) {
    if (pos + 2 > end) {
      throw new DicomException(
          ErrorCode.JPEG_LS_TRUNCATED,
          String.format(
              "JPEG-LS codestream ends at offset %d inside the length of marker 0x%04X at offset"
                  + " %d",
              end, marker, markerOffset));
    }
    int length = u16(pos);
    if (length < 2) {
      throw new DicomException(
          ErrorCode.JPEG_LS_SEGMENT_LENGTH,
          String.format(
              "JPEG-LS segment 0x%04X at offset %d has invalid length %d",
              marker, markerOffset, length));
    }
    int segEnd = pos + length;
    if (segEnd > end) {
      throw new DicomException(
          ErrorCode.JPEG_LS_TRUNCATED,
          String.format(
              "JPEG-LS segment 0x%04X at offset %d of length %d runs past the end of the"
                  + " codestream at offset %d",
              marker, markerOffset, length, end));
    }
    pos += 2;
    return segEnd;
  }

  private void readFrameHeader(int markerOffset) {
    if (frameSeen) {
      throw new DicomException(
          ErrorCode.JPEG_LS_MARKER_MISPLACED,
          "JPEG-LS frame header SOF55 at offset " + markerOffset + " appears a second time");
    }
    int segEnd = segmentEnd(0xFFF7, markerOffset);
    if (segEnd - pos < 6) {
      throw new DicomException(
          ErrorCode.JPEG_LS_SEGMENT_LENGTH,
          "JPEG-LS frame header SOF55 at offset "
              + markerOffset
              + " has length "
              + (segEnd - pos + 2)
              + ", too short");
    }
    int p = u8(pos);
    int y = u16(pos + 1);
    int x = u16(pos + 3);
    int nf = u8(pos + 5);
    if (p < 2 || p > 16) {
      throw new DicomException(
          ErrorCode.JPEG_LS_PRECISION,
          "JPEG-LS bits per sample "
              + p
              + " at offset "
              + pos
              + " is outside 2..16 (frame header at offset "
              + markerOffset
              + ")");
    }
    if (y == 0) {
      throw new DicomException(
          ErrorCode.JPEG_LS_DIMENSION,
          "JPEG-LS frame height 0 at offset "
              + (pos + 1)
              + " is not supported (height defined by DNL)");
    }
    if (x == 0) {
      throw new DicomException(
          ErrorCode.JPEG_LS_DIMENSION,
          "JPEG-LS frame width 0 at offset " + (pos + 3) + " is not supported");
    }
    if (nf != 1 && nf != 3) {
      throw new DicomException(
          ErrorCode.JPEG_LS_COMPONENTS,
          "JPEG-LS frame has "
              + nf
              + " components at offset "
              + (pos + 5)
              + "; only 1 and 3 are supported");
    }
    if (segEnd - pos != 6 + 3 * nf) {
      throw new DicomException(
          ErrorCode.JPEG_LS_SEGMENT_LENGTH,
          "JPEG-LS frame header SOF55 at offset "
              + markerOffset
              + " has length "
              + (segEnd - pos + 2)
              + ", expected "
              + (8 + 3 * nf)
              + " for "
              + nf
              + " components");
    }
    long total = (long) x * y * nf;
    if (total > MAX_SAMPLES) {
      throw new DicomException(
          ErrorCode.JPEG_LS_IMAGE_TOO_LARGE,
          "JPEG-LS image "
              + x
              + "x"
              + y
              + "x"
              + nf
              + " ("
              + total
              + " samples) at offset "
              + markerOffset
              + " exceeds the limit of "
              + MAX_SAMPLES
              + " samples");
    }
    int[] ids = new int[nf];
    for (int c = 0; c < nf; c++) {
      int at = pos + 6 + 3 * c;
      ids[c] = u8(at);
      for (int d = 0; d < c; d++) {
        if (ids[d] == ids[c]) {
          throw new DicomException(
              ErrorCode.JPEG_LS_COMPONENTS,
              "JPEG-LS component id " + ids[c] + " at offset " + at + " appears twice");
        }
      }
      int hv = u8(at + 1);
      if (hv != 0x11) {
        throw new DicomException(
            ErrorCode.JPEG_LS_COMPONENTS,
            String.format(
                "JPEG-LS component %d has sampling factors 0x%02X at offset %d; only 1x1 is"
                    + " supported",
                ids[c], hv, at + 1));
      }
    }
    frameSeen = true;
    bits = p;
    height = y;
    width = x;
    components = nf;
    componentIds = ids;
    componentDone = new boolean[nf];
    samples = new int[(int) total];
    pos = segEnd;
  }

  private void readPresetParameters(int markerOffset) {
    int segEnd = segmentEnd(0xFFF8, markerOffset);
    if (segEnd - pos < 1) {
      throw new DicomException(
          ErrorCode.JPEG_LS_SEGMENT_LENGTH,
          "JPEG-LS preset parameters LSE at offset " + markerOffset + " are empty");
    }
    int id = u8(pos);
    switch (id) {
      case 1 -> {
        if (segEnd - pos != 11) {
          throw new DicomException(
              ErrorCode.JPEG_LS_SEGMENT_LENGTH,
              "JPEG-LS preset coding parameters LSE at offset "
                  + markerOffset
                  + " have length "
                  + (segEnd - pos + 2)
                  + ", expected 13");
        }
        presetMaxval = u16(pos + 1);
        presetT1 = u16(pos + 3);
        presetT2 = u16(pos + 5);
        presetT3 = u16(pos + 7);
        presetReset = u16(pos + 9);
      }
      case 2, 3 ->
          throw new DicomException(
              ErrorCode.JPEG_LS_MAPPING_TABLE,
              "JPEG-LS mapping table (LSE type "
                  + id
                  + ") at offset "
                  + markerOffset
                  + " is not supported");
      default ->
          throw new DicomException(
              ErrorCode.JPEG_LS_MAPPING_TABLE,
              "JPEG-LS preset parameters of type "
                  + id
                  + " (LSE at offset "
                  + markerOffset
                  + ") are not supported");
    }
    pos = segEnd;
  }

  private void readRestartInterval(int markerOffset) {
    int segEnd = segmentEnd(0xFFDD, markerOffset);
    int n = segEnd - pos;
    if (n < 1 || n > 4) {
      throw new DicomException(
          ErrorCode.JPEG_LS_SEGMENT_LENGTH,
          "JPEG-LS restart interval DRI at offset "
              + markerOffset
              + " has length "
              + (n + 2)
              + ", expected 3 to 6");
    }
    long ri = 0;
    for (int i = 0; i < n; i++) {
      ri = (ri << 8) | u8(pos + i);
    }
    restartInterval = (int) Math.min(ri, Integer.MAX_VALUE);
    pos = segEnd;
  }

  private void readApp8(int markerOffset) {
    int segEnd = segmentEnd(0xFFE8, markerOffset);
    if (segEnd - pos >= 5
        && u8(pos) == 'm'
        && u8(pos + 1) == 'r'
        && u8(pos + 2) == 'f'
        && u8(pos + 3) == 'x'
        && u8(pos + 4) != 0) {
      throw new DicomException(
          ErrorCode.JPEG_LS_COLOUR_TRANSFORM,
          "JPEG-LS colour transform "
              + u8(pos + 4)
              + " (APP8 \"mrfx\" at offset "
              + markerOffset
              + ") is not supported");
    }
    pos = segEnd;
  }

  private void readScan(int markerOffset) {
    if (!frameSeen) {
      throw new DicomException(
          ErrorCode.JPEG_LS_MARKER_MISPLACED,
          "JPEG-LS scan SOS at offset " + markerOffset + " comes before the frame header");
    }
    int segEnd = segmentEnd(0xFFDA, markerOffset);
    if (segEnd - pos < 1) {
      throw new DicomException(
          ErrorCode.JPEG_LS_SEGMENT_LENGTH,
          "JPEG-LS scan header at offset " + markerOffset + " is empty");
    }
    int ns = u8(pos);
    if (ns < 1 || ns > components) {
      throw new DicomException(
          ErrorCode.JPEG_LS_SCAN_HEADER,
          "JPEG-LS scan at offset "
              + markerOffset
              + " has "
              + ns
              + " components, the frame has "
              + components);
    }
    if (segEnd - pos != 4 + 2 * ns) {
      throw new DicomException(
          ErrorCode.JPEG_LS_SEGMENT_LENGTH,
          "JPEG-LS scan header at offset "
              + markerOffset
              + " has length "
              + (segEnd - pos + 2)
              + ", expected "
              + (6 + 2 * ns));
    }
    int[] index = new int[ns];
    for (int s = 0; s < ns; s++) {
      int at = pos + 1 + 2 * s;
      int id = u8(at);
      int c = 0;
      while (c < components && componentIds[c] != id) {
        c++;
      }
      if (c == components) {
        throw new DicomException(
            ErrorCode.JPEG_LS_SCAN_HEADER,
            "JPEG-LS scan component id " + id + " at offset " + at + " is not in the frame");
      }
      if (componentDone[c]) {
        throw new DicomException(
            ErrorCode.JPEG_LS_SCAN_HEADER,
            "JPEG-LS component " + id + " at offset " + at + " is in a second scan");
      }
      for (int d = 0; d < s; d++) {
        if (index[d] == c) {
          throw new DicomException(
              ErrorCode.JPEG_LS_SCAN_HEADER,
              "JPEG-LS component " + id + " at offset " + at + " twice in one scan");
        }
      }
      if (u8(at + 1) != 0) {
        throw new DicomException(
            ErrorCode.JPEG_LS_MAPPING_TABLE,
            "JPEG-LS mapping table "
                + u8(at + 1)
                + " for component "
                + id
                + " at offset "
                + (at + 1)
                + " is not supported");
      }
      index[s] = c;
    }
    int at = pos + 1 + 2 * ns;
    int nearValue = u8(at);
    int ilv = u8(at + 1);
    int pt = u8(at + 2);
    if (ilv > 2) {
      throw new DicomException(
          ErrorCode.JPEG_LS_SCAN_HEADER,
          "JPEG-LS interleave mode " + ilv + " at offset " + (at + 1) + " is not 0, 1 or 2");
    }
    if (ilv == 0 && ns > 1) {
      throw new DicomException(
          ErrorCode.JPEG_LS_SCAN_HEADER,
          "JPEG-LS scan at offset "
              + markerOffset
              + " has "
              + ns
              + " components but interleave mode 0 (none)");
    }
    if (pt != 0) {
      throw new DicomException(
          ErrorCode.JPEG_LS_POINT_TRANSFORM,
          "JPEG-LS point transform " + pt + " at offset " + (at + 2) + " is not supported");
    }
    setUpScan(nearValue, at, markerOffset);
    pos = segEnd;
    decodeScan(index, ilv);
    for (int c : index) {
      componentDone[c] = true;
    }
    scans++;
    largestNear = Math.max(largestNear, nearValue);
    pos = findMarker(pos);
  }

  // ---------------------------------------------------------------- coding parameters

  private void setUpScan(int nearValue, int nearOffset, int markerOffset) {
    int defaultMaxval = (1 << bits) - 1;
    maxval = presetMaxval != 0 ? presetMaxval : defaultMaxval;
    if (maxval > defaultMaxval) {
      throw new DicomException(
          ErrorCode.JPEG_LS_PRESET,
          "JPEG-LS preset MAXVAL "
              + maxval
              + " exceeds 2^"
              + bits
              + "-1 = "
              + defaultMaxval
              + " (scan at offset "
              + markerOffset
              + ")");
    }
    if (nearValue > Math.min(255, maxval / 2)) {
      throw new DicomException(
          ErrorCode.JPEG_LS_SCAN_HEADER,
          "JPEG-LS NEAR "
              + nearValue
              + " at offset "
              + nearOffset
              + " exceeds min(255, MAXVAL/2) = "
              + Math.min(255, maxval / 2));
    }
    near = nearValue;
    qdelta = 2 * near + 1;
    range = (maxval + 2 * near) / qdelta + 1;
    qbpp = 32 - Integer.numberOfLeadingZeros(range - 1);
    int bpp = Math.max(2, 32 - Integer.numberOfLeadingZeros(maxval));
    limit = 2 * (bpp + Math.max(8, bpp));

    int t1;
    int t2;
    int t3;
    if (maxval >= 128) {
      int factor = (Math.min(maxval, 4095) + 128) >> 8;
      t1 = presetT1 != 0 ? presetT1 : clampT(factor + 2 + 3 * near, near + 1);
      t2 = presetT2 != 0 ? presetT2 : clampT(factor * 4 + 3 + 5 * near, t1);
      t3 = presetT3 != 0 ? presetT3 : clampT(factor * 17 + 4 + 7 * near, t2);
    } else {
      int factor = 256 / (maxval + 1);
      t1 = presetT1 != 0 ? presetT1 : clampT(Math.max(2, 3 / factor + 3 * near), near + 1);
      t2 = presetT2 != 0 ? presetT2 : clampT(Math.max(3, 7 / factor + 5 * near), t1);
      t3 = presetT3 != 0 ? presetT3 : clampT(Math.max(4, 21 / factor + 7 * near), t2);
    }
    if (t1 < near + 1 || t1 > maxval || t2 < t1 || t2 > maxval || t3 < t2 || t3 > maxval) {
      throw new DicomException(
          ErrorCode.JPEG_LS_PRESET,
          "JPEG-LS thresholds T1="
              + t1
              + " T2="
              + t2
              + " T3="
              + t3
              + " are not ordered NEAR+1 <= T1 <= T2 <= T3 <= MAXVAL="
              + maxval
              + " (NEAR="
              + near
              + ", scan at offset "
              + markerOffset
              + ")");
    }
    reset = presetReset != 0 ? presetReset : 64;
    if (reset < 3 || reset > Math.max(255, maxval)) {
      throw new DicomException(
          ErrorCode.JPEG_LS_PRESET,
          "JPEG-LS RESET "
              + reset
              + " is outside 3.."
              + Math.max(255, maxval)
              + " (scan at offset "
              + markerOffset
              + ")");
    }
    qoffset = maxval;
    qtable = gradientTable(maxval, near, t1, t2, t3);
  }

  /**
   * The quantised gradient Q(d) of T.87 A.3.3 for every d in [-maxval, maxval], at index d +
   * maxval, filled by ranges (the table has up to 131,071 entries, one per frame).
   */
  private static byte[] gradientTable(int maxval, int near, int t1, int t2, int t3) {
    byte[] t = new byte[2 * maxval + 1];
    // upper bounds (inclusive, as d) of the ranges of q = -4 .. 3; q = 4 above
    int[] upper = {-t3, -t2, -t1, -near - 1, near, t1 - 1, t2 - 1, t3 - 1};
    int from = 0;
    for (int q = -4; q <= 3; q++) {
      int to = Math.min(Math.max(upper[q + 4] + maxval + 1, from), t.length);
      Arrays.fill(t, from, to, (byte) q);
      from = to;
    }
    Arrays.fill(t, from, t.length, (byte) 4);
    return t;
  }

  private int clampT(int value, int low) {
    return (value > maxval || value < low) ? low : value;
  }

  private void resetContexts() {
    long aInit = Math.max(2, (range + 32) >> 6);
    Arrays.fill(ctxA, aInit);
    Arrays.fill(ctxB, 0);
    Arrays.fill(ctxC, 0);
    Arrays.fill(ctxN, 1);
    ctxNn[0] = 0;
    ctxNn[1] = 0;
    runIndex = 0;
  }

  // ---------------------------------------------------------------- scan decoding

  private void decodeScan(int[] index, int ilv) {
    int ns = index.length;
    int w = width;
    int[][] prev = new int[ns][w + 2];
    int[][] cur = new int[ns][w + 2];
    int[] runIndices = new int[ns];
    int[] qs = new int[ns];
    resetContexts();
    startBits();
    int restarts = 0;
    for (int y = 0; y < height; y++) {
      if (restartInterval > 0 && y > 0 && y % restartInterval == 0) {
        readRestartMarker(restarts, y);
        restarts++;
        resetContexts();
        Arrays.fill(runIndices, 0);
        for (int s = 0; s < ns; s++) {
          Arrays.fill(prev[s], 0);
          Arrays.fill(cur[s], 0);
        }
      }
      if (ns > 1 && ilv == 2) {
        decodeSampleInterleavedLine(prev, cur, ns, qs);
      } else {
        for (int s = 0; s < ns; s++) {
          runIndex = runIndices[s];
          decodeLine(prev[s], cur[s]);
          runIndices[s] = runIndex;
        }
      }
      checkNotPastEnd(y);
      for (int s = 0; s < ns; s++) {
        int[] line = cur[s];
        int nc = components;
        int o = y * w * nc + index[s];
        for (int x = 1; x <= w; x++, o += nc) {
          samples[o] = line[x];
        }
        cur[s] = prev[s];
        prev[s] = line;
      }
    }
  }

  private void decodeLine(int[] prev, int[] cur) {
    final int w = width;
    final byte[] qt = qtable;
    final int qo = qoffset;
    prev[w + 1] = prev[w];
    cur[0] = prev[1];
    int x = 1;
    while (x <= w) {
      int ra = cur[x - 1];
      int rb = prev[x];
      int rc = prev[x - 1];
      int rd = prev[x + 1];
      int q1 = qt[rd - rb + qo];
      int q2 = qt[rb - rc + qo];
      int q3 = qt[rc - ra + qo];
      if ((q1 | q2 | q3) == 0) {
        x = decodeRun(prev, cur, x, ra);
      } else {
        cur[x] = decodeRegular(81 * q1 + 9 * q2 + q3, ra, rb, rc);
        x++;
      }
    }
  }

  private void decodeSampleInterleavedLine(int[][] prev, int[][] cur, int ns, int[] qs) {
    final int w = width;
    final byte[] qt = qtable;
    final int qo = qoffset;
    for (int s = 0; s < ns; s++) {
      prev[s][w + 1] = prev[s][w];
      cur[s][0] = prev[s][1];
    }
    int x = 1;
    while (x <= w) {
      int any = 0;
      for (int s = 0; s < ns; s++) {
        int[] p = prev[s];
        int ra = cur[s][x - 1];
        int rb = p[x];
        int rc = p[x - 1];
        int rd = p[x + 1];
        int q = 81 * qt[rd - rb + qo] + 9 * qt[rb - rc + qo] + qt[rc - ra + qo];
        qs[s] = q;
        any |= q;
      }
      if (any == 0) {
        x = decodeSampleInterleavedRun(prev, cur, ns, x);
      } else {
        for (int s = 0; s < ns; s++) {
          int[] p = prev[s];
          int[] c = cur[s];
          c[x] = decodeRegular(qs[s], c[x - 1], p[x], p[x - 1]);
        }
        x++;
      }
    }
  }

  private int decodeRegular(int qs, int ra, int rb, int rc) {
    int sign = qs >> 31; // 0, or -1 when the context is negated (T.87 A.3.4)
    qs = (qs ^ sign) - sign;
    int hi = Math.max(ra, rb);
    int lo = Math.min(ra, rb);
    int px = rc >= hi ? lo : rc <= lo ? hi : ra + rb - rc; // median edge detector, T.87 A.4.1
    int c = ctxC[qs];
    px = Math.min(Math.max(px + ((c ^ sign) - sign), 0), maxval);
    long a = ctxA[qs];
    int b = ctxB[qs];
    int n = ctxN[qs];
    int k = golombK(n, a);
    int merr = decodeGolomb(k, limit);
    int err = (merr >>> 1) ^ -(merr & 1); // 0, 1, 2, 3 ... -> 0, -1, 1, -2 ... (T.87 A.5.2)
    if (near == 0 && k == 0 && 2 * b <= -n) {
      err = ~err;
    }
    b += err * qdelta;
    a += Math.abs(err);
    if (n == reset) {
      a >>= 1;
      b >>= 1;
      n >>= 1;
    }
    n++;
    if (b <= -n) {
      b += n;
      if (c > MIN_C) {
        c--;
      }
      if (b <= -n) {
        b = -n + 1;
      }
    } else if (b > 0) {
      b -= n;
      if (c < MAX_C) {
        c++;
      }
      if (b > 0) {
        b = 0;
      }
    }
    ctxA[qs] = a;
    ctxB[qs] = b;
    ctxC[qs] = c;
    ctxN[qs] = n;
    return reconstruct(px, (err ^ sign) - sign);
  }

  /** The least k >= 0 with n * 2^k >= a (T.87 A.5.1), from the bit lengths of n and a. */
  private static int golombK(int n, long a) {
    if (n >= a) {
      return 0;
    }
    int k = Long.numberOfLeadingZeros(n) - Long.numberOfLeadingZeros(a);
    return ((long) n << k) < a ? k + 1 : k;
  }

  private int reconstruct(int px, int err) {
    int rx = px + err * qdelta;
    if (rx < -near) {
      rx += range * qdelta;
    } else if (rx > maxval + near) {
      rx -= range * qdelta;
    }
    if (rx < 0) {
      return 0;
    }
    return Math.min(rx, maxval);
  }

  private int decodeRun(int[] prev, int[] cur, int x, int ra) {
    final int w = width;
    while (true) {
      if (readBit() == 1) {
        int rm = 1 << J[runIndex];
        int n = Math.min(rm, w - x + 1);
        Arrays.fill(cur, x, x + n, ra);
        x += n;
        if (n == rm && runIndex < 31) {
          runIndex++;
        }
        if (x > w) {
          return x;
        }
      } else {
        int jr = J[runIndex];
        int count = (int) readBits(jr);
        if (count > w - x) {
          throw corrupt(
              "run length " + count + " exceeds the " + (w - x + 1) + " samples left in the line");
        }
        Arrays.fill(cur, x, x + count, ra);
        x += count;
        cur[x] = decodeRunInterruption(ra, prev[x], jr, false);
        if (runIndex > 0) {
          runIndex--;
        }
        return x + 1;
      }
    }
  }

  private int decodeSampleInterleavedRun(int[][] prev, int[][] cur, int ns, int x) {
    final int w = width;
    while (true) {
      if (readBit() == 1) {
        int rm = 1 << J[runIndex];
        int n = Math.min(rm, w - x + 1);
        for (int s = 0; s < ns; s++) {
          int[] c = cur[s];
          Arrays.fill(c, x, x + n, c[x - 1]);
        }
        x += n;
        if (n == rm && runIndex < 31) {
          runIndex++;
        }
        if (x > w) {
          return x;
        }
      } else {
        int jr = J[runIndex];
        int count = (int) readBits(jr);
        if (count > w - x) {
          throw corrupt(
              "run length " + count + " exceeds the " + (w - x + 1) + " samples left in the line");
        }
        for (int s = 0; s < ns; s++) {
          int[] c = cur[s];
          Arrays.fill(c, x, x + count, c[x - 1]);
        }
        x += count;
        for (int s = 0; s < ns; s++) {
          int[] c = cur[s];
          c[x] = decodeRunInterruption(c[x - 1], prev[s][x], jr, true);
        }
        if (runIndex > 0) {
          runIndex--;
        }
        return x + 1;
      }
    }
  }

  /**
   * Decodes the sample that ends a run. In sample-interleaved scans every component uses the RItype
   * 0 context with Rb as the prediction.
   */
  private int decodeRunInterruption(int ra, int rb, int jr, boolean interleaved) {
    int riType = !interleaved && Math.abs(ra - rb) <= near ? 1 : 0;
    int q = 365 + riType;
    long a = ctxA[q];
    int n = ctxN[q];
    long temp = riType == 0 ? a : a + (n >> 1);
    int k = 0;
    while (((long) n << k) < temp) {
      k++;
    }
    int em = decodeGolomb(k, limit - jr - 1);
    int tmp = em + riType;
    int map = tmp & 1;
    int err = (tmp + map) >> 1;
    if ((map == 1) == (k != 0 || 2 * ctxNn[riType] >= n)) {
      err = -err;
    }
    if (err < 0) {
      ctxNn[riType]++;
    }
    a += (em + 1 - riType) >> 1;
    if (n == reset) {
      a >>= 1;
      n >>= 1;
      ctxNn[riType] >>= 1;
    }
    ctxA[q] = a;
    ctxN[q] = n + 1;
    if (riType == 1) {
      return reconstruct(ra, err);
    }
    return reconstruct(rb, ra > rb ? -err : err);
  }

  /** Reads one Golomb-coded mapped error value with code parameter k and length limit. */
  private int decodeGolomb(int k, int glimit) {
    int maxUnary = glimit - qbpp - 1;
    if (cacheBits < 32) {
      fill();
    }
    int lz = Long.numberOfLeadingZeros(cache);
    if (lz < maxUnary && lz + 1 + k <= cacheBits) {
      // the whole code is in the cache (bits below cacheBits are zero): unary part and k bits
      long rest = cache << (lz + 1);
      long fast = ((long) lz << k) | (k == 0 ? 0 : rest >>> (64 - k));
      cache = rest << k;
      cacheBits -= lz + 1 + k;
      return checkedMappedError(fast);
    }
    int q = readUnary(maxUnary);
    long value;
    if (q < maxUnary) {
      value = ((long) q << k) | readBits(k);
    } else {
      value = readBits(qbpp) + 1L;
    }
    return checkedMappedError(value);
  }

  private int checkedMappedError(long value) {
    if (value > range + 2L) {
      throw corrupt("mapped error value " + value + " exceeds RANGE " + range);
    }
    return (int) value;
  }

  // ---------------------------------------------------------------- bits

  private void startBits() {
    cache = 0;
    cacheBits = 0;
    lastFF = false;
    atEnd = pos >= end;
    virtualBits = 0;
  }

  /** Fills the cache to at least 56 bits; past the end of the data, with zero bits. */
  private void fill() {
    if (!lastFF && pos + 8 <= end) {
      long v = (long) BIG_ENDIAN_LONG.get(data, pos);
      if (!JpegEntropyReader.hasFF(v)) {
        // eight bytes without FF (no stuffing, no marker): as many as fit, at once
        int n = (64 - cacheBits) >> 3;
        cache |= (v >>> (64 - 8 * n)) << (64 - cacheBits - 8 * n);
        cacheBits += 8 * n;
        pos += n;
        atEnd = pos >= end;
        return;
      }
    }
    while (cacheBits < 56) {
      if (atEnd) {
        cacheBits += 8;
        virtualBits += 8;
        continue;
      }
      int b = data[pos] & 0xFF;
      if (lastFF) {
        cache |= (long) b << (57 - cacheBits);
        cacheBits += 7;
        lastFF = false;
      } else if (b == 0xFF) {
        if (pos + 1 >= end || data[pos + 1] < 0) {
          atEnd = true; // a marker ends the entropy-coded segment
          continue;
        }
        cache |= 0xFFL << (56 - cacheBits);
        cacheBits += 8;
        lastFF = true;
      } else {
        cache |= (long) b << (56 - cacheBits);
        cacheBits += 8;
      }
      pos++;
      if (pos >= end) {
        atEnd = true;
      }
    }
  }

  private int readBit() {
    if (cacheBits == 0) {
      fill();
    }
    int bit = (int) (cache >>> 63);
    cache <<= 1;
    cacheBits--;
    return bit;
  }

  private long readBits(int n) {
    if (n == 0) {
      return 0;
    }
    if (cacheBits < n) {
      fill();
    }
    long v = cache >>> (64 - n);
    cache <<= n;
    cacheBits -= n;
    return v;
  }

  private int readUnary(int max) {
    int q = 0;
    while (true) {
      if (cacheBits == 0) {
        fill();
      }
      int lz = Long.numberOfLeadingZeros(cache);
      if (lz < cacheBits) {
        q += lz;
        cache <<= lz + 1;
        cacheBits -= lz + 1;
        break;
      }
      q += cacheBits;
      cache = 0;
      cacheBits = 0;
      if (q > max) {
        break;
      }
    }
    if (q > max) {
      throw corrupt("Golomb code has more than " + max + " leading zero bits");
    }
    return q;
  }

  private boolean pastEnd() {
    return virtualBits > cacheBits;
  }

  private void checkNotPastEnd(int line) {
    if (pastEnd()) {
      throw new DicomException(
          ErrorCode.JPEG_LS_TRUNCATED,
          "JPEG-LS scan data ends at offset "
              + pos
              + " before line "
              + (line + 1)
              + " of "
              + height
              + " is complete (truncated codestream)");
    }
  }

  private DicomException corrupt(String what) {
    if (pastEnd()) {
      return new DicomException(
          ErrorCode.JPEG_LS_TRUNCATED,
          "JPEG-LS scan data ends at offset "
              + pos
              + " before the image is complete ("
              + what
              + ")");
    }
    return new DicomException(
        ErrorCode.JPEG_LS_SCAN_CORRUPT,
        "JPEG-LS scan data is corrupt near offset " + pos + ": " + what);
  }

  /** The offset of the next marker at or after from (fill bytes before it included). */
  private int findMarker(int from) {
    int p = from;
    while (p + 1 < end && !(data[p] == (byte) 0xFF && data[p + 1] < 0)) {
      p++;
    }
    if (p + 1 >= end) {
      throw new DicomException(
          ErrorCode.JPEG_LS_TRUNCATED,
          "JPEG-LS codestream ends at offset " + end + " after scan data, without EOI");
    }
    return p;
  }

  private void readRestartMarker(int restarts, int line) {
    if (pastEnd()) {
      checkNotPastEnd(line - 1);
    }
    int at = findMarker(pos);
    pos = at;
    int marker = readMarker();
    int expected = 0xFFD0 + (restarts & 7);
    if (marker != expected) {
      throw new DicomException(
          ErrorCode.JPEG_LS_RESTART,
          String.format(
              "JPEG-LS expected restart marker 0x%04X before line %d but found 0x%04X at offset"
                  + " %d",
              expected, line + 1, marker, at));
    }
    startBits();
  }

  private int u8(int at) {
    return data[at] & 0xFF;
  }

  private int u16(int at) {
    return ((data[at] & 0xFF) << 8) | (data[at + 1] & 0xFF);
  }
}
