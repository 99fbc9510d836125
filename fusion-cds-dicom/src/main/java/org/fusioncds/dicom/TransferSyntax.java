package org.fusioncds.dicom;

import java.util.Map;
import org.fusioncds.error.ErrorCode;

/**
 * The transfer syntaxes of PS3.5 section 10 and annex A that we recognise, with how their dataset
 * is encoded and how their pixel data is compressed.
 */
public enum TransferSyntax {
  IMPLICIT_VR_LITTLE_ENDIAN("1.2.840.10008.1.2", false, false, Compression.NONE),
  EXPLICIT_VR_LITTLE_ENDIAN("1.2.840.10008.1.2.1", true, false, Compression.NONE),
  DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN("1.2.840.10008.1.2.1.99", true, false, Compression.NONE),
  EXPLICIT_VR_BIG_ENDIAN("1.2.840.10008.1.2.2", true, true, Compression.NONE),
  JPEG_BASELINE("1.2.840.10008.1.2.4.50", true, false, Compression.JPEG_BASELINE),
  JPEG_EXTENDED("1.2.840.10008.1.2.4.51", true, false, Compression.JPEG_EXTENDED),
  JPEG_LOSSLESS("1.2.840.10008.1.2.4.57", true, false, Compression.JPEG_LOSSLESS),
  JPEG_LOSSLESS_SV1("1.2.840.10008.1.2.4.70", true, false, Compression.JPEG_LOSSLESS),
  JPEG_LS_LOSSLESS("1.2.840.10008.1.2.4.80", true, false, Compression.JPEG_LS),
  JPEG_LS_NEAR_LOSSLESS("1.2.840.10008.1.2.4.81", true, false, Compression.JPEG_LS),
  JPEG_2000_LOSSLESS("1.2.840.10008.1.2.4.90", true, false, Compression.JPEG_2000),
  JPEG_2000("1.2.840.10008.1.2.4.91", true, false, Compression.JPEG_2000),
  HTJ2K_LOSSLESS("1.2.840.10008.1.2.4.201", true, false, Compression.HTJ2K),
  HTJ2K_LOSSLESS_RPCL("1.2.840.10008.1.2.4.202", true, false, Compression.HTJ2K),
  HTJ2K("1.2.840.10008.1.2.4.203", true, false, Compression.HTJ2K),
  RLE_LOSSLESS("1.2.840.10008.1.2.5", true, false, Compression.RLE);

  /** How the pixel data of a transfer syntax is compressed. */
  public enum Compression {
    NONE,
    RLE,
    JPEG_BASELINE,
    JPEG_EXTENDED,
    JPEG_LOSSLESS,
    JPEG_LS,
    JPEG_2000,
    HTJ2K
  }

  private final String uid;
  private final boolean explicitVr;
  private final boolean bigEndian;
  private final Compression compression;

  TransferSyntax(String uid, boolean explicitVr, boolean bigEndian, Compression compression) {
    this.uid = uid;
    this.explicitVr = explicitVr;
    this.bigEndian = bigEndian;
    this.compression = compression;
  }

  public String uid() {
    return uid;
  }

  public boolean explicitVr() {
    return explicitVr;
  }

  public boolean bigEndian() {
    return bigEndian;
  }

  public Compression compression() {
    return compression;
  }

  public boolean deflated() {
    return this == DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN;
  }

  /** Pixel data is encapsulated (fragments in items) for every compressed syntax. */
  public boolean encapsulated() {
    return compression != Compression.NONE;
  }

  private static final Map<String, TransferSyntax> BY_UID = new java.util.HashMap<>();

  static {
    for (TransferSyntax ts : values()) {
      BY_UID.put(ts.uid, ts);
    }
  }

  /** The syntax of a UID, or a coded error naming the UID. */
  public static TransferSyntax of(String uid) {
    TransferSyntax ts = BY_UID.get(uid);
    if (ts == null) {
      throw new DicomException(
          ErrorCode.TRANSFER_SYNTAX_UNKNOWN, "unknown transfer syntax — '" + uid + "'");
    }
    return ts;
  }

  /** The syntax of a UID, or null. */
  public static TransferSyntax find(String uid) {
    return uid == null ? null : BY_UID.get(uid);
  }
}
