package org.fusioncds.dicom.codec;

import org.fusioncds.dicom.DicomException;

/**
 * Decodes the entropy-coded data of one lossless JPEG scan (ITU-T T.81 Annex H, process 14):
 * Huffman-coded differences (categories 0..16, H.1.2.2) added, modulo 2^16, to the prediction of
 * selection value 1..7 (Table H.1) from the left (Ra), upper (Rb) and upper-left (Rc) samples. The
 * first line of the image and of each restart interval is predicted from the left, its first sample
 * from 2^(P - Pt - 1); the first sample of every other line from above. Samples are reconstructed
 * in place in the frame's interleaved output and then shifted left by the point transform Pt, as
 * libjpeg (and so DCMTK) does.
 */
final class JpegLosslessScan {

  private final JpegEntropyReader in;
  private final int[] out;
  private final int width;
  private final int height;
  private final int nc;
  private final int precision;
  private final int restartInterval;

  /**
   * @param out the frame's samples, {@code width * height * nc}, interleaved by pixel
   * @param restartInterval in MCUs (samples of a line); a multiple of {@code width}, or 0
   */
  JpegLosslessScan(
      JpegEntropyReader in,
      int[] out,
      int width,
      int height,
      int nc,
      int precision,
      int restartInterval) {
    this.in = in;
    this.out = out;
    this.width = width;
    this.height = height;
    this.nc = nc;
    this.precision = precision;
    this.restartInterval = restartInterval;
  }

  /**
   * Decodes the scan whose data start at {@code dataStart}.
   *
   * @param index the frame component index of each scan component, in scan order
   * @param tables the DC Huffman table of each scan component
   * @param psv selection value (predictor), 1..7
   * @param pt point transform, below the precision
   */
  void decode(int dataStart, int[] index, JpegExtHuffmanTable[] tables, int psv, int pt) {
    in.start(dataStart);
    int linesPerInterval = restartInterval == 0 ? height : restartInterval / width;
    int nextRst = 0;
    int initial = 1 << (precision - pt - 1);
    for (int y = 0; y < height; y++) {
      boolean first = y % linesPerInterval == 0;
      if (first && y > 0) {
        in.restart(nextRst);
        nextRst = (nextRst + 1) & 7;
      }
      if (index.length == 1) {
        line(y, index[0], tables[0], first ? 0 : psv, initial);
      } else {
        interleavedLine(y, index, tables, first ? 0 : psv, initial);
      }
      in.checkOverrun("line", y, height);
    }
    if (pt > 0) {
      for (int ci : index) {
        for (int i = ci; i < out.length; i += nc) {
          out[i] = (out[i] << pt) & 0xFFFF;
        }
      }
    }
  }

  /** One line of a one-component scan; {@code psv} 0 for a first line (predicted from the left). */
  private void line(int y, int ci, JpegExtHuffmanTable t, int psv, int initial) {
    int[] s = out;
    int step = nc;
    int up = width * nc;
    int o = y * up + ci;
    int end = o + up;
    JpegEntropyReader r = in;
    int ra = psv == 0 ? initial : s[o - up];
    s[o] = (ra + difference(r, t)) & 0xFFFF;
    for (o += step; o < end; o += step) {
      int d = difference(r, t);
      int pred;
      switch (psv) {
        case 0, 1 -> pred = s[o - step];
        case 2 -> pred = s[o - up];
        case 3 -> pred = s[o - up - step];
        case 4 -> pred = s[o - step] + s[o - up] - s[o - up - step];
        case 5 -> pred = s[o - step] + ((s[o - up] - s[o - up - step]) >> 1);
        case 6 -> pred = s[o - up] + ((s[o - step] - s[o - up - step]) >> 1);
        default -> pred = (s[o - step] + s[o - up]) >> 1;
      }
      s[o] = (pred + d) & 0xFFFF;
    }
  }

  /** One line of an interleaved scan: per pixel, one sample of each scan component. */
  private void interleavedLine(
      int y, int[] index, JpegExtHuffmanTable[] tables, int psv, int initial) {
    int[] s = out;
    int step = nc;
    int up = width * nc;
    int row = y * up;
    JpegEntropyReader r = in;
    for (int x = 0; x < width; x++) {
      for (int k = 0; k < index.length; k++) {
        int o = row + x * step + index[k];
        int d = difference(r, tables[k]);
        int pred;
        if (x == 0) {
          pred = psv == 0 ? initial : s[o - up];
        } else if (psv == 0) {
          pred = s[o - step];
        } else {
          pred = predict(psv, s[o - step], s[o - up], s[o - up - step]);
        }
        s[o] = (pred + d) & 0xFFFF;
      }
    }
  }

  /** Table H.1. */
  static int predict(int psv, int ra, int rb, int rc) {
    return switch (psv) {
      case 1 -> ra;
      case 2 -> rb;
      case 3 -> rc;
      case 4 -> ra + rb - rc;
      case 5 -> ra + ((rb - rc) >> 1);
      case 6 -> rb + ((ra - rc) >> 1);
      default -> (ra + rb) >> 1;
    };
  }

  /** One Huffman-coded difference (T.81 H.1.2.2): category 0..16, 16 meaning 32768. */
  private static int difference(JpegEntropyReader r, JpegExtHuffmanTable t) {
    if (r.bits < 32) {
      r.fill();
    }
    int s = r.decodeSymbol(t);
    if (s == 0) {
      return 0;
    }
    if (s < 16) {
      return r.receiveExtend(s);
    }
    if (s == 16) {
      return 32768;
    }
    throw new DicomException(
        JpegExtendedDecoder.E_BAD_COEFFICIENT,
        "lossless difference category " + s + " (max 16) near offset " + r.rp);
  }
}
