package org.fusioncds.dicom.pixel;

import org.fusioncds.dicom.DicomException;
import org.fusioncds.error.ErrorCode;

/**
 * RLE Lossless (PS3.5 Annex G): a 64-byte header of segment offsets, then one PackBits segment per
 * byte plane, most significant byte first, sample by sample.
 */
final class RleDecoder {

  private RleDecoder() {}

  /** Decodes one frame into interleaved samples (unsigned bit patterns of BitsAllocated bits). */
  static int[] decode(byte[] data, ImageDescription d) {
    int bytesPerSample = d.bitsAllocated() / 8;
    if (data.length < 64) {
      throw new DicomException(
          ErrorCode.RLE_HEADER_SHORT, "RLE frame shorter than its 64-byte header — " + data.length);
    }
    int segments = u32(data, 0);
    int expected = bytesPerSample * d.samplesPerPixel();
    if (segments != expected) {
      throw new DicomException(
          ErrorCode.RLE_SEGMENT_COUNT,
          "RLE header declares " + segments + " segments, the image needs " + expected);
    }
    int pixels = d.rows() * d.columns();
    int[] out = new int[pixels * d.samplesPerPixel()];
    byte[] plane = new byte[pixels];
    for (int s = 0; s < segments; s++) {
      int start = u32(data, 4 + 4 * s);
      int end = s + 1 < segments ? u32(data, 8 + 4 * s) : data.length;
      if (start < 64 || end > data.length || start > end) {
        throw new DicomException(
            ErrorCode.RLE_SEGMENT_OUTSIDE,
            "RLE segment " + s + " offsets " + start + ".." + end + " outside the frame");
      }
      unpack(data, start, end, plane, s);
      int sample = s / bytesPerSample;
      int shift = 8 * (bytesPerSample - 1 - s % bytesPerSample);
      for (int p = 0, i = sample; p < pixels; p++, i += d.samplesPerPixel()) {
        out[i] |= (plane[p] & 0xFF) << shift;
      }
    }
    return out;
  }

  private static void unpack(byte[] in, int pos, int end, byte[] out, int segment) {
    int o = 0;
    while (o < out.length && pos < end) {
      int n = in[pos++];
      if (n >= 0) {
        int count = Math.min(n + 1, Math.min(end - pos, out.length - o));
        System.arraycopy(in, pos, out, o, count);
        pos += n + 1;
        o += count;
      } else if (n != -128) {
        if (pos >= end) {
          break;
        }
        int count = Math.min(1 - n, out.length - o);
        java.util.Arrays.fill(out, o, o + count, in[pos++]);
        o += count;
      }
    }
    if (o < out.length) {
      throw new DicomException(
          ErrorCode.RLE_SEGMENT_LENGTH,
          "RLE segment " + segment + " decodes to " + o + " of " + out.length + " bytes");
    }
  }

  private static int u32(byte[] b, int i) {
    long v =
        (b[i] & 0xFFL)
            | (b[i + 1] & 0xFFL) << 8
            | (b[i + 2] & 0xFFL) << 16
            | (b[i + 3] & 0xFFL) << 24;
    return v > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) v;
  }
}
