package org.fusioncds.dicom.web;

import java.util.Map;

/**
 * The media types of frames per transfer syntax, PS3.18 §8.7.3.3.2 (Table 8.7.3-2), and how the
 * transfer syntax of a returned frame is found when a part does not name it.
 */
public final class TransferSyntaxes {

  private static final String OCTET_STREAM = "application/octet-stream";

  private static final Map<String, String> FRAME_MEDIA_TYPES =
      Map.ofEntries(
          Map.entry("1.2.840.10008.1.2.5", "image/dicom-rle"),
          Map.entry("1.2.840.10008.1.2.4.50", "image/jpeg"),
          Map.entry("1.2.840.10008.1.2.4.51", "image/jpeg"),
          Map.entry("1.2.840.10008.1.2.4.57", "image/jpeg"),
          Map.entry("1.2.840.10008.1.2.4.70", "image/jpeg"),
          Map.entry("1.2.840.10008.1.2.4.80", "image/jls"),
          Map.entry("1.2.840.10008.1.2.4.81", "image/jls"),
          Map.entry("1.2.840.10008.1.2.4.90", "image/jp2"),
          Map.entry("1.2.840.10008.1.2.4.91", "image/jp2"),
          Map.entry("1.2.840.10008.1.2.4.92", "image/jpx"),
          Map.entry("1.2.840.10008.1.2.4.93", "image/jpx"),
          Map.entry("1.2.840.10008.1.2.4.201", "image/jphc"),
          Map.entry("1.2.840.10008.1.2.4.202", "image/jphc"),
          Map.entry("1.2.840.10008.1.2.4.203", "image/jphc"));

  private TransferSyntaxes() {}

  /** The part media type to ask for with a transfer syntax ({@code *}: octet-stream). */
  public static String frameMediaType(String transferSyntaxUid) {
    return FRAME_MEDIA_TYPES.getOrDefault(transferSyntaxUid, OCTET_STREAM);
  }

  /**
   * The {@code transfer-syntax} named by a multipart Content-Type, either as its own parameter or,
   * as Orthanc writes it, inside the quoted {@code type} parameter ({@code type="application/
   * octet-stream; transfer-syntax=1.2.840.10008.1.2.1"}); {@code null} when neither names one.
   */
  static String fromMultipartType(String contentType) {
    MediaType type = MediaType.parse(contentType);
    String syntax = type.parameter("transfer-syntax");
    if (syntax == null && type.parameter("type") != null) {
      syntax = MediaType.parse(type.parameter("type")).parameter("transfer-syntax");
    }
    return syntax == null || syntax.equals("*") ? null : syntax;
  }

  /**
   * The syntax to assume for a part that names none: what was asked for, if specific; else, for
   * octet-stream, the PS3.18 default Explicit VR Little Endian; else {@code null} (unknown).
   */
  static String assumed(MediaType partType, String asked) {
    if (!"*".equals(asked)) {
      return asked;
    }
    return partType.is(OCTET_STREAM) ? DicomWebClient.EXPLICIT_VR_LITTLE_ENDIAN : null;
  }
}
