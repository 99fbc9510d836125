package org.fusioncds.dicom.codec;

import java.io.ByteArrayOutputStream;

/**
 * A small lossless JPEG encoder (T.81 Annex H, SOF3) for tests: the features DCMTK's {@code
 * dcmcjpeg} cannot write (restart intervals, one scan per component, precisions other than 8 and
 * 16). Its Huffman table has codes of 2 to 12 bits, so that both the lookahead table and the long
 * code path of the decoder are used.
 */
final class JpegLosslessTestEncoder {

  /** What to encode: samples interleaved by pixel, each below 2^precision. */
  record Spec(
      int width,
      int height,
      int components,
      int precision,
      int predictor,
      int pointTransform,
      int restartLines,
      boolean scanPerComponent,
      int[] samples) {}

  /** Code lengths: counts[l] codes of length l; symbols 0..16 in order. */
  private static final int[] COUNTS = {0, 0, 2, 2, 2, 2, 2, 2, 2, 1, 1, 0, 1, 0, 0, 0, 0};

  private static final int[] CODE = new int[17];
  private static final int[] LENGTH = new int[17];

  static {
    int code = 0;
    int k = 0;
    for (int len = 1; len <= 16; len++) {
      for (int i = 0; i < COUNTS[len]; i++) {
        CODE[k] = code++;
        LENGTH[k++] = len;
      }
      code <<= 1;
    }
  }

  private JpegLosslessTestEncoder() {}

  static byte[] encode(Spec s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0xFF);
    out.write(0xD8);
    JpegExtendedTestEncoder.segment(out, 0xC4, 1 + 16 + 17);
    out.write(0x00); // DC table 0
    for (int l = 1; l <= 16; l++) {
      out.write(COUNTS[l]);
    }
    for (int v = 0; v <= 16; v++) {
      out.write(v);
    }
    if (s.restartLines() > 0) {
      JpegExtendedTestEncoder.segment(out, 0xDD, 2);
      write16(out, s.restartLines() * s.width());
    }
    JpegExtendedTestEncoder.segment(out, 0xC3, 6 + 3 * s.components());
    out.write(s.precision());
    write16(out, s.height());
    write16(out, s.width());
    out.write(s.components());
    for (int c = 0; c < s.components(); c++) {
      out.write(c + 1);
      out.write(0x11);
      out.write(0);
    }
    if (s.scanPerComponent()) {
      for (int c = 0; c < s.components(); c++) {
        scan(out, s, new int[] {c});
      }
    } else {
      int[] all = new int[s.components()];
      for (int c = 0; c < all.length; c++) {
        all[c] = c;
      }
      scan(out, s, all);
    }
    out.write(0xFF);
    out.write(0xD9);
    return out.toByteArray();
  }

  private static void scan(ByteArrayOutputStream out, Spec s, int[] comps) {
    JpegExtendedTestEncoder.segment(out, 0xDA, 4 + 2 * comps.length);
    out.write(comps.length);
    for (int c : comps) {
      out.write(c + 1);
      out.write(0x00);
    }
    out.write(s.predictor());
    out.write(0);
    out.write(s.pointTransform());
    int nc = s.components();
    int w = s.width();
    int pt = s.pointTransform();
    JpegExtendedTestEncoder.Bits bits = new JpegExtendedTestEncoder.Bits(out);
    int rst = 0;
    for (int y = 0; y < s.height(); y++) {
      boolean first = s.restartLines() == 0 ? y == 0 : y % s.restartLines() == 0;
      if (first && y > 0) {
        bits.flush();
        out.write(0xFF);
        out.write(0xD0 + rst);
        rst = (rst + 1) & 7;
      }
      for (int x = 0; x < w; x++) {
        for (int c : comps) {
          int o = (y * w + x) * nc + c;
          int ra = x > 0 ? s.samples()[o - nc] >> pt : 0;
          int rb = y > 0 ? s.samples()[o - w * nc] >> pt : 0;
          int rc = x > 0 && y > 0 ? s.samples()[o - w * nc - nc] >> pt : 0;
          int pred;
          if (first) {
            pred = x == 0 ? 1 << (s.precision() - pt - 1) : ra;
          } else if (x == 0) {
            pred = rb;
          } else {
            pred = JpegLosslessScan.predict(s.predictor(), ra, rb, rc); // checked against DCMTK
          }
          int diff = ((s.samples()[o] >> pt) - pred) & 0xFFFF;
          if (diff >= 32768) {
            diff -= 65536;
          }
          difference(bits, diff);
        }
      }
    }
    bits.flush();
  }

  private static void difference(JpegExtendedTestEncoder.Bits bits, int diff) {
    if (diff == -32768) {
      bits.put(CODE[16], LENGTH[16]);
      return;
    }
    int magnitude = Math.abs(diff);
    int cat = 32 - Integer.numberOfLeadingZeros(magnitude);
    bits.put(CODE[cat], LENGTH[cat]);
    if (cat > 0) {
      bits.put(diff < 0 ? diff + (1 << cat) - 1 : diff, cat);
    }
  }

  private static void write16(ByteArrayOutputStream out, int v) {
    out.write(v >> 8);
    out.write(v);
  }
}
