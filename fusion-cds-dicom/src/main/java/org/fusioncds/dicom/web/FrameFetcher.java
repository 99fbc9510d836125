package org.fusioncds.dicom.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.fusioncds.dicom.Dataset;
import org.fusioncds.dicom.DicomException;
import org.fusioncds.dicom.DicomFile;
import org.fusioncds.dicom.DicomLimits;
import org.fusioncds.dicom.DicomReader;
import org.fusioncds.dicom.Tag;
import org.fusioncds.dicom.pixel.PixelDecoder;
import org.fusioncds.error.ErrorCode;

/**
 * Decoded frames over WADO-RS (PS3.18 8.7.3): asks for the frame as stored ({@code
 * transfer-syntax=*}), decodes it when we can, and otherwise asks the server again for explicit VR
 * little endian, so the server transcodes what our decoders lack (HTJ2K, or any syntax the
 * configuration leaves to the server). A server that cannot cut an instance into frames (Orthanc
 * 1.10 answers 400 for multi-frame pixel data without a Basic Offset Table whose fragments are not
 * one per frame) is asked for the whole instance instead, which is decoded here.
 */
public final class FrameFetcher {

  /** {@link DicomWebClient}'s code for an HTTP error status other than 404. */
  private static final ErrorCode HTTP_ERROR = ErrorCode.DICOMWEB_HTTP_ERROR;

  private final DicomWebClient client;
  private final Predicate<String> decodeLocally;
  private final DicomLimits limits;

  /** Decodes locally every syntax {@link PixelDecoder#canDecode} handles. */
  public FrameFetcher(DicomWebClient client) {
    this(client, PixelDecoder::canDecode, DicomLimits.DEFAULT);
  }

  public FrameFetcher(DicomWebClient client, Predicate<String> decodeLocally, DicomLimits limits) {
    this.client = client;
    this.decodeLocally = decodeLocally;
    this.limits = limits;
  }

  /**
   * Frame {@code index} (0-based) of the instance whose WADO-RS metadata is given; the UIDs and the
   * image attributes come from that metadata.
   */
  public org.fusioncds.dicom.pixel.Frame fetch(Dataset metadata, int index) {
    String study = required(metadata, Tag.StudyInstanceUID, "StudyInstanceUID");
    String series = required(metadata, Tag.SeriesInstanceUID, "SeriesInstanceUID");
    String instance = required(metadata, Tag.SOPInstanceUID, "SOPInstanceUID");
    int[] number = {index + 1};
    long bound = frameBound(metadata, limits);
    Frame stored;
    try {
      stored = only(client.retrieveFrames(study, series, instance, number, "*", bound));
    } catch (DicomException e) {
      if (e.errorCode() != HTTP_ERROR) {
        throw e;
      }
      return fromWholeInstance(study, series, instance, index);
    }
    if (stored.transferSyntaxUid() != null && decodeLocally.test(stored.transferSyntaxUid())) {
      return PixelDecoder.decodeFrame(metadata, stored.transferSyntaxUid(), stored.data(), limits);
    }
    Frame transcoded =
        only(
            client.retrieveFrames(
                study, series, instance, number, DicomWebClient.EXPLICIT_VR_LITTLE_ENDIAN, bound));
    return PixelDecoder.decodeFrame(
        metadata, DicomWebClient.EXPLICIT_VR_LITTLE_ENDIAN, transcoded.data(), limits);
  }

  /**
   * The most bytes a frame part of this instance may have: twice its native size (Rows × Columns ×
   * SamplesPerPixel × BitsAllocated/8; a compressed frame is smaller, except a few bytes of codec
   * overhead on noise) plus 64 KiB, and never more than the limits allow. A server sending more (a
   * part whose boundary never comes) is cut there instead of at the general frame limit: a 512 ×
   * 512 16-bit frame reads at most 1.06 MiB, not 256 MiB. Without the geometry, the limits' bound.
   */
  static long frameBound(Dataset metadata, DicomLimits limits) {
    long rows = metadata.getInt(Tag.Rows, 0);
    long columns = metadata.getInt(Tag.Columns, 0);
    long samples = metadata.getInt(Tag.SamplesPerPixel, 1);
    long bits = metadata.getInt(Tag.BitsAllocated, 0);
    if (rows <= 0 || columns <= 0 || samples <= 0 || bits <= 0) {
      return limits.maxFrameBytes();
    }
    long nativeBytes = rows * columns * samples * ((bits + 7) / 8);
    return Math.min(limits.maxFrameBytes(), 2 * nativeBytes + (64 << 10));
  }

  private org.fusioncds.dicom.pixel.Frame fromWholeInstance(
      String study, String series, String instance, int index) {
    Path folder;
    try {
      folder = Files.createTempDirectory("fcds-instance");
    } catch (IOException e) {
      throw new DicomException(
          ErrorCode.DICOMWEB_LOCAL_FILE, "cannot create a temporary folder — " + e.getMessage(), e);
    }
    try {
      List<Path> files = client.retrieveInstance(study, series, instance, "*", folder);
      if (files.size() != 1) {
        throw new DicomException(
            ErrorCode.DICOMWEB_PART_COUNT,
            "expected 1 instance part, the server sent " + files.size());
      }
      try (DicomFile f = DicomReader.read(files.get(0), limits)) {
        return PixelDecoder.decode(f.dataset(), f.transferSyntaxUid(), index, limits);
      }
    } finally {
      deleteTree(folder);
    }
  }

  private static void deleteTree(Path folder) {
    try (Stream<Path> s = Files.walk(folder)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a leftover temporary folder holds no PHI beyond the instance we were allowed to read
    }
  }

  private static Frame only(List<Frame> frames) {
    if (frames.size() != 1) {
      throw new DicomException(
          ErrorCode.DICOMWEB_PART_COUNT, "expected 1 frame part, the server sent " + frames.size());
    }
    return frames.get(0);
  }

  private static String required(Dataset ds, int tag, String name) {
    String v = ds.getString(tag);
    if (v == null) {
      throw new DicomException(
          ErrorCode.DICOMWEB_METADATA_UID_MISSING,
          "metadata lacks " + name + " " + Tag.toString(tag));
    }
    return v;
  }
}
