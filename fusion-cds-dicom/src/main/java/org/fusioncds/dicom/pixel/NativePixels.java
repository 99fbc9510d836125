package org.fusioncds.dicom.pixel;

import org.fusioncds.dicom.BulkData;
import org.fusioncds.dicom.DicomException;
import org.fusioncds.dicom.Element;
import org.fusioncds.error.ErrorCode;

/** Native (uncompressed) pixel data, PS3.5 section 8.1 and 8.2 (little endian once read). */
final class NativePixels {

  private NativePixels() {}

  static Frame decode(Element px, ImageDescription d, int index) {
    boolean ybr422 = d.photometric().equals("YBR_FULL_422") && d.samplesPerPixel() == 3;
    long frameBits =
        ybr422 ? (long) d.rows() * d.columns() * 2 * d.bitsAllocated() : d.nativeFrameBits();
    long startBit = frameBits * index;
    long from = startBit / 8;
    long len = (startBit + frameBits + 7) / 8 - from;
    long available = px.value() instanceof BulkData b ? b.length() : ((byte[]) px.value()).length;
    if (from + len > available) {
      throw new DicomException(
          ErrorCode.PIXEL_DATA_SHORT,
          String.format(
              "pixel data has %d bytes, frame %d needs bytes %d to %d",
              available, index, from, from + len));
    }
    byte[] raw = PixelDecoder.range(px, from, len);
    int[] samples;
    String photometric = d.photometric();
    if (d.bitsAllocated() == 1) {
      samples = unpackBits(raw, (int) (startBit % 8), d.samplesPerFrame());
    } else if (ybr422) {
      samples = ColorSpaces.expandYbr422(widen(raw, d.bitsAllocated()), d.rows(), d.columns());
      photometric = "YBR_FULL";
    } else {
      samples = widen(raw, d.bitsAllocated());
      if (d.planarConfiguration() == 1 && d.samplesPerPixel() > 1) {
        samples = interleave(samples, d.samplesPerPixel());
      }
    }
    Samples.toStoredValues(samples, d, true);
    return Frame.of(d, photometric, samples);
  }

  private static int[] widen(byte[] raw, int bitsAllocated) {
    int size = bitsAllocated / 8;
    int[] out = new int[raw.length / size];
    for (int i = 0, p = 0; i < out.length; i++, p += size) {
      out[i] =
          switch (size) {
            case 1 -> raw[p] & 0xFF;
            case 2 -> (raw[p] & 0xFF) | (raw[p + 1] & 0xFF) << 8;
            default ->
                (raw[p] & 0xFF)
                    | (raw[p + 1] & 0xFF) << 8
                    | (raw[p + 2] & 0xFF) << 16
                    | (raw[p + 3] & 0xFF) << 24;
          };
    }
    return out;
  }

  private static int[] unpackBits(byte[] raw, int bitOffset, int count) {
    int[] out = new int[count];
    for (int i = 0; i < count; i++) {
      int bit = bitOffset + i;
      out[i] = (raw[bit >>> 3] >>> (bit & 7)) & 1;
    }
    return out;
  }

  private static int[] interleave(int[] planar, int spp) {
    int pixels = planar.length / spp;
    int[] out = new int[planar.length];
    for (int s = 0; s < spp; s++) {
      for (int p = 0; p < pixels; p++) {
        out[p * spp + s] = planar[s * pixels + p];
      }
    }
    return out;
  }
}
