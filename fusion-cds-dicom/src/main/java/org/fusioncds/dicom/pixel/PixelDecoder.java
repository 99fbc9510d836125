package org.fusioncds.dicom.pixel;

import org.fusioncds.dicom.BulkData;
import org.fusioncds.dicom.Dataset;
import org.fusioncds.dicom.DicomException;
import org.fusioncds.dicom.DicomFile;
import org.fusioncds.dicom.DicomLimits;
import org.fusioncds.dicom.Element;
import org.fusioncds.dicom.Fragments;
import org.fusioncds.dicom.Tag;
import org.fusioncds.dicom.TransferSyntax;
import org.fusioncds.dicom.VR;
import org.fusioncds.dicom.codec.JpegExtendedDecoder;
import org.fusioncds.dicom.codec.JpegExtendedImage;
import org.fusioncds.dicom.codec.JpegLosslessDecoder;
import org.fusioncds.dicom.codec.JpegLsDecoder;
import org.fusioncds.dicom.codec.JpegLsImage;
import org.fusioncds.error.ErrorCode;

/**
 * Decodes one frame of Pixel Data (7FE0,0010) to stored values, whatever the transfer syntax:
 * native (PS3.5 8.1: 1/8/16/32 bits, planar configuration, bits stored and high bit, signed), RLE
 * (Annex G, {@link RleDecoder}), JPEG baseline and extended (4.50, 4.51: our {@link
 * JpegExtendedDecoder}), JPEG lossless (4.57, 4.70: our {@link JpegLosslessDecoder}), JPEG-LS
 * (4.80, 4.81: our {@link JpegLsDecoder}), JPEG 2000 (4.90, 4.91: jai-imageio through {@link
 * ImageIoDecoder}). Only the requested frame's bytes are read from the source. A syntax we cannot
 * decode (HTJ2K) is a coded error that tells the caller to ask the server for a transcoded frame.
 */
public final class PixelDecoder {

  private PixelDecoder() {}

  public static Frame decode(DicomFile file, int index) {
    return decode(file.dataset(), file.transferSyntaxUid(), index, DicomLimits.DEFAULT);
  }

  public static Frame decode(Dataset ds, String transferSyntaxUid, int index, DicomLimits limits) {
    ImageDescription d = ImageDescription.of(ds, limits);
    if (index < 0 || index >= d.frames()) {
      throw new DicomException(
          ErrorCode.FRAME_INDEX_OUT_OF_RANGE,
          "frame " + index + " requested, the image has " + d.frames() + " (0-based)");
    }
    Element px = ds.get(Tag.PixelData);
    if (px == null || px.value() == null) {
      throw new DicomException(
          ErrorCode.PIXEL_DATA_MISSING, "no Pixel Data (7FE0,0010) in the data set");
    }
    TransferSyntax ts = TransferSyntax.find(transferSyntaxUid);
    if (px.value() instanceof Fragments f) {
      return decodeEncapsulated(ds, d, f, ts, transferSyntaxUid, index);
    }
    if (ts != null && ts.encapsulated()) {
      throw new DicomException(
          ErrorCode.NATIVE_FOR_ENCAPSULATED,
          "transfer syntax " + transferSyntaxUid + " needs encapsulated pixel data, found native");
    }
    return NativePixels.decode(px, d, index);
  }

  /**
   * The compressed bytes of frame {@code index} (0-based) of encapsulated pixel data, as stored
   * (PS3.5 A.4), found as {@link #decode} finds them; for a server that returns frames as stored.
   */
  public static byte[] encapsulatedFrame(Dataset ds, int index) {
    ImageDescription d = ImageDescription.of(ds, DicomLimits.DEFAULT);
    if (index < 0 || index >= d.frames()) {
      throw new DicomException(
          ErrorCode.FRAME_INDEX_OUT_OF_RANGE,
          "frame " + index + " requested, the image has " + d.frames() + " (0-based)");
    }
    Element px = ds.get(Tag.PixelData);
    if (px == null || !(px.value() instanceof Fragments f)) {
      throw new DicomException(
          ErrorCode.PIXEL_DATA_MISSING, "no encapsulated Pixel Data (7FE0,0010) in the data set");
    }
    return EncapsulatedFrames.frame(ds, f, index, d.frames());
  }

  /** True when {@link #decode} handles pixel data in this transfer syntax. */
  public static boolean canDecode(String transferSyntaxUid) {
    TransferSyntax ts = TransferSyntax.find(transferSyntaxUid);
    return ts != null && ts.compression() != TransferSyntax.Compression.HTJ2K;
  }

  /**
   * Decodes one frame that arrived on its own, as WADO-RS frames return it (PS3.18 8.7.3): the
   * native bytes of the frame, or its compressed codestream; the image attributes come from the
   * instance's metadata.
   */
  public static Frame decodeFrame(
      Dataset metadata, String transferSyntaxUid, byte[] frame, DicomLimits limits) {
    ImageDescription d = ImageDescription.of(metadata, limits);
    TransferSyntax ts = TransferSyntax.find(transferSyntaxUid);
    if (ts == null) {
      throw unsupported(transferSyntaxUid);
    }
    if (!ts.encapsulated()) {
      return NativePixels.decode(new Element(Tag.PixelData, VR.OB, frame), d, 0);
    }
    return decodeCodestream(d, ts, transferSyntaxUid, frame);
  }

  private static Frame decodeEncapsulated(
      Dataset ds, ImageDescription d, Fragments f, TransferSyntax ts, String uid, int index) {
    if (ts == null || !ts.encapsulated()) {
      throw unsupported(uid);
    }
    return decodeCodestream(d, ts, uid, EncapsulatedFrames.frame(ds, f, index, d.frames()));
  }

  private static Frame decodeCodestream(
      ImageDescription d, TransferSyntax ts, String uid, byte[] data) {
    String photometric = d.photometric();
    // the codecs of our own return values below 2^valueBits: masking them to BitsStored is then
    // a no-op when BitsStored is at least that and the data are unsigned
    int valueBits = 32;
    int[] samples;
    switch (ts.compression()) {
      case RLE -> samples = RleDecoder.decode(data, d);
      case JPEG_BASELINE, JPEG_EXTENDED -> {
        JpegExtendedImage img =
            toRgbInDecoder(ts, d)
                ? JpegExtendedDecoder.decodeToRgb(data)
                : JpegExtendedDecoder.decode(data);
        checkDimensions("JPEG", img.width(), img.height(), img.components(), d);
        samples = img.samples();
        valueBits = img.precision();
      }
      case JPEG_LOSSLESS -> {
        samples = jpegLossless(data, d);
        valueBits = 16;
      }
      case JPEG_2000 -> samples = ImageIoDecoder.decodeJpeg2000(data, d);
      case JPEG_LS -> {
        samples = jpegLs(data, d);
        valueBits = 16;
      }
      default -> throw unsupported(uid);
    }
    if (toRgbInDecoder(ts, d)) {
      photometric = "RGB"; // converted by the JPEG decoder, fused with its upsampling
    } else if (photometric.equals("YBR_FULL_422")) {
      photometric = "YBR_FULL";
    }
    if (d.signed() || d.bitsStored() < valueBits) {
      Samples.toStoredValues(samples, d, false);
    }
    return Frame.of(d, photometric, samples);
  }

  /** YBR_FULL and YBR_FULL_422 in lossy JPEG come out as RGB, as DCMTK's dcmdjpeg returns them. */
  private static boolean toRgbInDecoder(TransferSyntax ts, ImageDescription d) {
    return isLossyJpeg(ts) && d.photometric().startsWith("YBR_FULL") && d.samplesPerPixel() == 3;
  }

  private static int[] jpegLossless(byte[] data, ImageDescription d) {
    JpegExtendedImage img = JpegLosslessDecoder.decode(data);
    checkDimensions("JPEG lossless", img.width(), img.height(), img.components(), d);
    return img.samples();
  }

  private static int[] jpegLs(byte[] data, ImageDescription d) {
    JpegLsImage img = JpegLsDecoder.decode(data);
    checkDimensions("JPEG-LS", img.width(), img.height(), img.components(), d);
    return img.samples();
  }

  static void checkDimensions(
      String codec, int width, int height, int components, ImageDescription d) {
    if (width != d.columns() || height != d.rows() || components != d.samplesPerPixel()) {
      throw new DicomException(
          ErrorCode.CODESTREAM_MISMATCH,
          String.format(
              "%s codestream is %dx%d with %d components, the data set says %dx%d with %d",
              codec, width, height, components, d.columns(), d.rows(), d.samplesPerPixel()));
    }
  }

  private static boolean isLossyJpeg(TransferSyntax ts) {
    return ts.compression() == TransferSyntax.Compression.JPEG_BASELINE
        || ts.compression() == TransferSyntax.Compression.JPEG_EXTENDED;
  }

  /** The coded error for a syntax this decoder lacks; DICOMweb callers then ask for transcoding. */
  public static DicomException unsupported(String uid) {
    return new DicomException(
        ErrorCode.TRANSFER_SYNTAX_NOT_DECODED,
        "transfer syntax not decoded here — "
            + uid
            + " (request the frame transcoded, e.g. to 1.2.840.10008.1.2.1)");
  }

  /** Reads only the bytes of the frame's range of a native value. */
  static byte[] range(Element px, long from, long len) {
    if (px.value() instanceof BulkData b) {
      return b.bytes(from, len);
    }
    byte[] all = (byte[]) px.value();
    if (from + len > all.length) {
      throw new DicomException(
          ErrorCode.PIXEL_DATA_SHORT,
          "pixel data has " + all.length + " bytes, the frame needs up to " + (from + len));
    }
    return java.util.Arrays.copyOfRange(all, (int) from, (int) (from + len));
  }
}
