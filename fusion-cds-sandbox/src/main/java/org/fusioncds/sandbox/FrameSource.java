package org.fusioncds.sandbox;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.fusioncds.dicom.BulkData;
import org.fusioncds.dicom.Dataset;
import org.fusioncds.dicom.DicomException;
import org.fusioncds.dicom.DicomFile;
import org.fusioncds.dicom.DicomLimits;
import org.fusioncds.dicom.DicomReader;
import org.fusioncds.dicom.Element;
import org.fusioncds.dicom.Fragments;
import org.fusioncds.dicom.Tag;
import org.fusioncds.dicom.pixel.Frame;
import org.fusioncds.dicom.pixel.ImageDescription;
import org.fusioncds.dicom.pixel.PixelDecoder;
import org.fusioncds.error.ErrorCode;

/**
 * The bytes of WADO-RS frames (PS3.18 8.7.3.3): native frames cut from the pixel data (little
 * endian, as Explicit VR Little Endian holds them), compressed frames as stored, or compressed
 * frames decoded and written back as native cells (stored values in their Bits Allocated cell,
 * two's complement when signed, planar configuration as the data set says). The file is read again
 * for each request; only the frames asked for are read.
 */
final class FrameSource {

  private FrameSource() {}

  /** The frames {@code numbers} (1-based) of one instance, in the order asked. */
  static List<byte[]> frames(DicomFolderIndex.Instance instance, int[] numbers, boolean transcode) {
    try (DicomFile f = DicomReader.read(instance.file())) {
      Dataset ds = f.dataset();
      Element px = ds.get(Tag.PixelData);
      if (px == null || px.value() == null) {
        throw new DicomWebError(
            ErrorCode.NO_PIXEL_DATA,
            "instance has no Pixel Data — " + instance.uid(Tag.SOPInstanceUID));
      }
      ImageDescription d = ImageDescription.of(ds, DicomLimits.DEFAULT);
      List<byte[]> out = new ArrayList<>();
      for (int n : numbers) {
        if (n > d.frames()) {
          throw new DicomWebError(
              ErrorCode.NO_SUCH_FRAME, "frame " + n + " requested, the instance has " + d.frames());
        }
        out.add(frame(f, px, d, n - 1, transcode));
      }
      return out;
    }
  }

  private static byte[] frame(
      DicomFile f, Element px, ImageDescription d, int index, boolean transcode) {
    if (transcode) {
      return transcode(f, d, index);
    }
    if (px.value() instanceof Fragments) {
      return PixelDecoder.encapsulatedFrame(f.dataset(), index);
    }
    return nativeFrame(px, d, index);
  }

  private static byte[] nativeFrame(Element px, ImageDescription d, int index) {
    boolean ybr422 = d.photometric().equals("YBR_FULL_422") && d.samplesPerPixel() == 3;
    long frameBits =
        ybr422 ? (long) d.rows() * d.columns() * 2 * d.bitsAllocated() : d.nativeFrameBits();
    long startBit = frameBits * index;
    long from = startBit / 8;
    long len = (startBit + frameBits + 7) / 8 - from;
    byte[] raw = range(px, from, len);
    return startBit % 8 == 0 ? raw : shiftBits(raw, (int) (startBit % 8), frameBits);
  }

  private static byte[] range(Element px, long from, long len) {
    if (px.value() instanceof BulkData b) {
      return b.bytes(from, len);
    }
    byte[] all = (byte[]) px.value();
    if (from + len > all.length) {
      throw new DicomException(
          ErrorCode.PIXEL_DATA_SHORT,
          "pixel data has " + all.length + " bytes, the frame needs up to " + (from + len));
    }
    return Arrays.copyOfRange(all, (int) from, (int) (from + len));
  }

  /** Bits {@code shift..shift+bits} of {@code raw} (LSB first), moved to start at bit 0. */
  private static byte[] shiftBits(byte[] raw, int shift, long bits) {
    byte[] out = new byte[(int) ((bits + 7) / 8)];
    for (long i = 0; i < bits; i++) {
      long src = i + shift;
      if ((raw[(int) (src >> 3)] >> (src & 7) & 1) != 0) {
        out[(int) (i >> 3)] |= (byte) (1 << (i & 7));
      }
    }
    return out;
  }

  private static byte[] transcode(DicomFile f, ImageDescription d, int index) {
    Frame frame;
    try {
      frame = PixelDecoder.decode(f, index);
    } catch (DicomException e) {
      if (e.errorCode() == ErrorCode.TRANSFER_SYNTAX_NOT_DECODED) {
        throw new DicomWebError(
            ErrorCode.NOT_ACCEPTABLE, "cannot transcode — " + f.transferSyntaxUid());
      }
      throw e;
    }
    if (!frame.photometric().equals(d.photometric())) {
      throw new DicomWebError(
          ErrorCode.NOT_ACCEPTABLE,
          "transcoding would change PhotometricInterpretation "
              + d.photometric()
              + " to "
              + frame.photometric()
              + ", which the metadata would not say");
    }
    int[] samples = frame.samples();
    if (d.planarConfiguration() == 1 && d.samplesPerPixel() > 1) {
      samples = planar(samples, d.samplesPerPixel());
    }
    return cells(samples, d.bitsAllocated());
  }

  private static int[] planar(int[] interleaved, int spp) {
    int pixels = interleaved.length / spp;
    int[] out = new int[interleaved.length];
    for (int p = 0; p < pixels; p++) {
      for (int s = 0; s < spp; s++) {
        out[s * pixels + p] = interleaved[p * spp + s];
      }
    }
    return out;
  }

  /** Stored values back in their cells, little endian (PS3.5 8.1.1). */
  static byte[] cells(int[] samples, int bitsAllocated) {
    if (bitsAllocated == 1) {
      byte[] out = new byte[(samples.length + 7) / 8];
      for (int i = 0; i < samples.length; i++) {
        if ((samples[i] & 1) != 0) {
          out[i >> 3] |= (byte) (1 << (i & 7));
        }
      }
      return out;
    }
    int size = bitsAllocated / 8;
    byte[] out = new byte[samples.length * size];
    for (int i = 0, p = 0; i < samples.length; i++) {
      for (int b = 0; b < size; b++) {
        out[p++] = (byte) (samples[i] >> (8 * b));
      }
    }
    return out;
  }
}
