package org.fusioncds.dicom;

/**
 * Value representations of DICOM PS3.5 section 6.2, with what the reader and writer need to know of
 * each: the size of its length field in explicit VR, whether it holds text, the text's character
 * repertoire, and the size of one binary value (for byte swapping and JSON numbers).
 */
public enum VR {
  AE(Kind.ASCII_TEXT, false, 0),
  AS(Kind.ASCII_TEXT, false, 0),
  AT(Kind.BINARY, false, 4),
  CS(Kind.ASCII_TEXT, false, 0),
  DA(Kind.ASCII_TEXT, false, 0),
  DS(Kind.ASCII_TEXT, false, 0),
  DT(Kind.ASCII_TEXT, false, 0),
  FL(Kind.BINARY, false, 4),
  FD(Kind.BINARY, false, 8),
  IS(Kind.ASCII_TEXT, false, 0),
  LO(Kind.TEXT, false, 0),
  LT(Kind.TEXT, false, 0),
  OB(Kind.BULK, true, 1),
  OD(Kind.BULK, true, 8),
  OF(Kind.BULK, true, 4),
  OL(Kind.BULK, true, 4),
  OV(Kind.BULK, true, 8),
  OW(Kind.BULK, true, 2),
  PN(Kind.TEXT, false, 0),
  SH(Kind.TEXT, false, 0),
  SL(Kind.BINARY, false, 4),
  SQ(Kind.SEQUENCE, true, 0),
  SS(Kind.BINARY, false, 2),
  ST(Kind.TEXT, false, 0),
  SV(Kind.BINARY, true, 8),
  TM(Kind.ASCII_TEXT, false, 0),
  UC(Kind.TEXT, true, 0),
  UI(Kind.ASCII_TEXT, false, 0),
  UL(Kind.BINARY, false, 4),
  UN(Kind.BULK, true, 1),
  UR(Kind.ASCII_TEXT, true, 0),
  US(Kind.BINARY, false, 2),
  UT(Kind.TEXT, true, 0),
  UV(Kind.BINARY, true, 8);

  /** How a VR's value is held. */
  public enum Kind {
    /** Text in the default repertoire (ASCII). */
    ASCII_TEXT,
    /** Text in the dataset's Specific Character Set. */
    TEXT,
    /** Fixed-size binary numbers, held decoded. */
    BINARY,
    /** Opaque bytes that may be large (OB, OW, UN ...): read on demand. */
    BULK,
    /** A sequence of items. */
    SEQUENCE
  }

  private final Kind kind;
  private final boolean longLength;
  private final int valueSize;

  VR(Kind kind, boolean longLength, int valueSize) {
    this.kind = kind;
    this.longLength = longLength;
    this.valueSize = valueSize;
  }

  public Kind kind() {
    return kind;
  }

  /**
   * In explicit VR, true when the element has 2 reserved bytes and a 32-bit length (PS3.5 7.1.2).
   */
  public boolean hasLongLength() {
    return longLength;
  }

  /** Bytes per value for binary VRs (the unit of byte swapping); 0 for text and sequences. */
  public int valueSize() {
    return valueSize;
  }

  public boolean isText() {
    return kind == Kind.ASCII_TEXT || kind == Kind.TEXT;
  }

  /** VRs whose value is a single string that may contain backslashes (PS3.5 6.4). */
  public boolean isSingleValuedText() {
    return this == LT || this == ST || this == UT || this == UR;
  }

  /** The padding byte for even length: space for text, NUL for UI and binary (PS3.5 6.2). */
  public byte paddingByte() {
    return isText() && this != UI ? (byte) ' ' : 0;
  }

  /** The VR for two ASCII characters, or null when they name none. */
  public static VR of(int c1, int c2) {
    if (c1 < 'A' || c1 > 'Z' || c2 < 'A' || c2 > 'Z') {
      return null;
    }
    return BY_CODE[(c1 - 'A') * 26 + (c2 - 'A')];
  }

  private static final VR[] BY_CODE = new VR[26 * 26];

  static {
    for (VR vr : values()) {
      String n = vr.name();
      BY_CODE[(n.charAt(0) - 'A') * 26 + (n.charAt(1) - 'A')] = vr;
    }
  }
}
