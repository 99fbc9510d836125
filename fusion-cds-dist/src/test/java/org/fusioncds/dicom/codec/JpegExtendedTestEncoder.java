package org.fusioncds.dicom.codec;

import java.io.ByteArrayOutputStream;

/**
 * A small, slow sequential DCT Huffman JPEG encoder for tests only: makes the codestream shapes
 * that no reference file has (8/12-bit, any sampling factors, interleaved or one scan per
 * component, restart intervals, 8- or 16-bit quantisation tables). Its Huffman tables are flat ones
 * (all DC categories 5 bits, all AC run/size symbols 9 bits) rather than optimised ones.
 */
final class JpegExtendedTestEncoder {

  /** What to encode. {@code planes[c]} holds component c at its own (subsampled) resolution. */
  static final class Spec {
    int precision = 8;
    int sofMarker = 0xC1;
    int width;
    int height;
    int[] h;
    int[] v;
    int[][] planes;
    int[][] quant; // per component, zig-zag order
    boolean sixteenBitTables;
    boolean interleaved = true;
    int restartInterval;
  }

  private static final double[] COS = new double[64];

  static {
    for (int x = 0; x < 8; x++) {
      for (int u = 0; u < 8; u++) {
        COS[x * 8 + u] =
            (u == 0 ? Math.sqrt(0.5) : 1.0) / 2 * Math.cos((2 * x + 1) * u * Math.PI / 16);
      }
    }
  }

  private JpegExtendedTestEncoder() {}

  static int componentWidth(Spec s, int c) {
    int hmax = max(s.h);
    return (s.width * s.h[c] + hmax - 1) / hmax;
  }

  static int componentHeight(Spec s, int c) {
    int vmax = max(s.v);
    return (s.height * s.v[c] + vmax - 1) / vmax;
  }

  private static int max(int[] a) {
    int m = 0;
    for (int x : a) {
      m = Math.max(m, x);
    }
    return m;
  }

  static byte[] encode(Spec s) {
    int nc = s.planes.length;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0xFF);
    out.write(0xD8);
    // DQT: one table per component
    for (int c = 0; c < nc; c++) {
      int pq = s.sixteenBitTables ? 1 : 0;
      segment(out, 0xDB, 1 + 64 * (pq + 1));
      out.write((pq << 4) | c);
      for (int k = 0; k < 64; k++) {
        if (pq == 1) {
          out.write(s.quant[c][k] >> 8);
        }
        out.write(s.quant[c][k] & 0xFF);
      }
    }
    // SOF
    segment(out, s.sofMarker, 6 + 3 * nc);
    out.write(s.precision);
    out.write(s.height >> 8);
    out.write(s.height & 0xFF);
    out.write(s.width >> 8);
    out.write(s.width & 0xFF);
    out.write(nc);
    for (int c = 0; c < nc; c++) {
      out.write(c + 1);
      out.write((s.h[c] << 4) | s.v[c]);
      out.write(c);
    }
    writeTables(out);
    if (s.restartInterval > 0) {
      segment(out, 0xDD, 2);
      out.write(s.restartInterval >> 8);
      out.write(s.restartInterval & 0xFF);
    }
    int hmax = max(s.h);
    int vmax = max(s.v);
    int mcusX = (s.width + 8 * hmax - 1) / (8 * hmax);
    int mcusY = (s.height + 8 * vmax - 1) / (8 * vmax);
    if (s.interleaved) {
      int[] all = new int[nc];
      for (int c = 0; c < nc; c++) {
        all[c] = c;
      }
      scan(out, s, all, mcusX, mcusY);
    } else {
      for (int c = 0; c < nc; c++) {
        if (c > 0) {
          writeTables(out); // tables may be (re)defined between scans
        }
        scan(out, s, new int[] {c}, mcusX, mcusY);
      }
    }
    out.write(0xFF);
    out.write(0xD9);
    return out.toByteArray();
  }

  static void segment(ByteArrayOutputStream out, int marker, int contentLength) {
    out.write(0xFF);
    out.write(marker);
    out.write((contentLength + 2) >> 8);
    out.write((contentLength + 2) & 0xFF);
  }

  /** DC: 16 categories, 5-bit codes; AC: all 256 run/size bytes, 255 of 9 bits and 1 of 10. */
  private static void writeTables(ByteArrayOutputStream out) {
    segment(out, 0xC4, 17 + 16 + 17 + 256);
    out.write(0x00);
    for (int l = 1; l <= 16; l++) {
      out.write(l == 5 ? 16 : 0);
    }
    for (int i = 0; i < 16; i++) {
      out.write(i);
    }
    out.write(0x10);
    for (int l = 1; l <= 16; l++) {
      out.write(l == 9 ? 255 : l == 10 ? 1 : 0);
    }
    for (int i = 0; i < 256; i++) {
      out.write(i);
    }
  }

  /** Most significant bit first, FF stuffed with 00, padded with 1 bits. */
  static final class Bits {
    final ByteArrayOutputStream out;
    long acc;
    int n;

    Bits(ByteArrayOutputStream out) {
      this.out = out;
    }

    void put(int value, int len) {
      for (int i = len - 1; i >= 0; i--) {
        acc = (acc << 1) | ((value >> i) & 1);
        if (++n == 8) {
          int b = (int) acc & 0xFF;
          out.write(b);
          if (b == 0xFF) {
            out.write(0);
          }
          acc = 0;
          n = 0;
        }
      }
    }

    void flush() {
      while (n != 0) {
        put(1, 1);
      }
    }
  }

  private static void scan(ByteArrayOutputStream out, Spec s, int[] comps, int mcusX, int mcusY) {
    segment(out, 0xDA, 4 + 2 * comps.length);
    out.write(comps.length);
    for (int c : comps) {
      out.write(c + 1);
      out.write(0x00);
    }
    out.write(0);
    out.write(63);
    out.write(0);
    Bits bits = new Bits(out);
    int[] pred = new int[s.planes.length];
    int total;
    int bw = 0;
    if (comps.length == 1) {
      int c = comps[0];
      bw = (componentWidth(s, c) + 7) / 8;
      total = bw * ((componentHeight(s, c) + 7) / 8);
    } else {
      total = mcusX * mcusY;
    }
    int rst = 0;
    for (int mcu = 0; mcu < total; mcu++) {
      if (s.restartInterval > 0 && mcu > 0 && mcu % s.restartInterval == 0) {
        bits.flush();
        out.write(0xFF);
        out.write(0xD0 + rst);
        rst = (rst + 1) & 7;
        java.util.Arrays.fill(pred, 0);
      }
      if (comps.length == 1) {
        int c = comps[0];
        pred[c] = block(bits, s, c, mcu % bw, mcu / bw, pred[c]);
      } else {
        int mx = mcu % mcusX;
        int my = mcu / mcusX;
        for (int c : comps) {
          for (int y = 0; y < s.v[c]; y++) {
            for (int x = 0; x < s.h[c]; x++) {
              pred[c] = block(bits, s, c, mx * s.h[c] + x, my * s.v[c] + y, pred[c]);
            }
          }
        }
      }
    }
    bits.flush();
  }

  /** Codes one block (edge samples replicated past the component edge); returns the new DC. */
  private static int block(Bits bits, Spec s, int c, int bx, int by, int pred) {
    int cw = componentWidth(s, c);
    int ch = componentHeight(s, c);
    int shift = 1 << (s.precision - 1);
    double[] f = new double[64];
    for (int y = 0; y < 8; y++) {
      for (int x = 0; x < 8; x++) {
        int sx = Math.min(bx * 8 + x, cw - 1);
        int sy = Math.min(by * 8 + y, ch - 1);
        f[y * 8 + x] = s.planes[c][sy * cw + sx] - shift;
      }
    }
    int[] zz = new int[64];
    for (int k = 0; k < 64; k++) {
      int n = JpegExtendedDecoder.ZIGZAG[k];
      int v = n / 8;
      int u = n % 8;
      double sum = 0;
      for (int y = 0; y < 8; y++) {
        for (int x = 0; x < 8; x++) {
          sum += COS[y * 8 + v] * COS[x * 8 + u] * f[y * 8 + x];
        }
      }
      zz[k] = (int) Math.round(sum / s.quant[c][k]);
    }
    int diff = zz[0] - pred;
    int cat = category(diff);
    bits.put(cat, 5); // flat DC table: code of category t is t in 5 bits
    if (cat > 0) {
      bits.put(diff < 0 ? diff + (1 << cat) - 1 : diff, cat);
    }
    int run = 0;
    for (int k = 1; k < 64; k++) {
      if (zz[k] == 0) {
        run++;
        continue;
      }
      while (run > 15) {
        acSymbol(bits, 0xF0);
        run -= 16;
      }
      int a = category(zz[k]);
      acSymbol(bits, (run << 4) | a);
      bits.put(zz[k] < 0 ? zz[k] + (1 << a) - 1 : zz[k], a);
      run = 0;
    }
    if (run > 0) {
      acSymbol(bits, 0x00);
    }
    return zz[0];
  }

  /** Flat AC table: symbol i < 255 has the 9-bit code i, symbol 255 the 10-bit code 510. */
  private static void acSymbol(Bits bits, int rs) {
    if (rs < 255) {
      bits.put(rs, 9);
    } else {
      bits.put(510, 10);
    }
  }

  private static int category(int v) {
    int a = Math.abs(v);
    int n = 0;
    while (a > 0) {
      n++;
      a >>= 1;
    }
    return n;
  }
}
