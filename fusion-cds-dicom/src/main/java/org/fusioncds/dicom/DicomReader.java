package org.fusioncds.dicom;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.fusioncds.error.ErrorCode;

/**
 * Reads DICOM Part 10 files and bare data sets (PS3.10 section 7, PS3.5 sections 7 and A): with or
 * without preamble and File Meta Information (falling back, as DCMTK does, to detecting implicit or
 * explicit VR from the first element), implicit and explicit VR, little and big endian, deflated
 * explicit VR little endian, sequences and items of defined and undefined length, encapsulated
 * pixel data, and VR UN of undefined length (read as an implicit VR little endian sequence, PS3.5
 * 6.2.2).
 *
 * <p>Bulk values larger than {@link DicomLimits#inlineBinaryLength()} are not read: they stay in
 * the source as {@link BulkData}. Every declared length is checked against what is left of its
 * container and against the limits before any allocation.
 */
public final class DicomReader {

  private static final int UNDEFINED = -1;

  private final DicomLimits limits;
  private final List<String> warnings = new ArrayList<>();
  private Cursor in;
  private int elementCount;

  private DicomReader(DicomLimits limits) {
    this.limits = limits;
  }

  /** Reads a file with the default limits. The result holds the file open: close it. */
  public static DicomFile read(Path file) {
    return read(file, DicomLimits.DEFAULT);
  }

  public static DicomFile read(Path file, DicomLimits limits) {
    ByteSource source = ByteSource.open(file);
    try {
      return new DicomReader(limits).parse(source);
    } catch (RuntimeException e) {
      source.close();
      throw e;
    }
  }

  /** Reads a stream already in memory. */
  public static DicomFile read(byte[] bytes) {
    return new DicomReader(DicomLimits.DEFAULT).parse(ByteSource.of(bytes));
  }

  /** Reads a bare data set (no preamble, no meta) encoded in the given syntax. */
  public static Dataset readDataset(byte[] bytes, TransferSyntax ts) {
    DicomReader r = new DicomReader(DicomLimits.DEFAULT);
    r.in = new Cursor(ByteSource.of(bytes), 0, !ts.explicitVr(), ts.bigEndian());
    Dataset ds = new Dataset();
    r.readItems(ds, bytes.length, 0, false);
    return ds;
  }

  private DicomFile parse(ByteSource source) {
    long start = hasPreamble(source) ? 132 : 0;
    in = new Cursor(source, start, false, false);
    Dataset meta = new Dataset();
    if (startsWithMetaGroup(source, start)) {
      readMeta(meta);
    } else {
      warnings.add("no File Meta Information: transfer syntax detected from the data set");
    }
    String tsUid = meta.getString(Tag.TransferSyntaxUID);
    long datasetStart = in.pos;
    TransferSyntax ts = TransferSyntax.find(tsUid);
    if (tsUid == null) {
      ts = detect(source, datasetStart);
      tsUid = ts.uid();
      if (!meta.elements().isEmpty()) {
        warnings.add("File Meta Information has no transfer syntax: detected " + tsUid);
      }
    } else if (ts == null) {
      warnings.add("unknown transfer syntax " + tsUid + ": data set read as explicit VR LE");
    }
    boolean implicit = ts != null && !ts.explicitVr();
    boolean bigEndian = ts != null && ts.bigEndian();
    ByteSource datasetSource = source;
    if (ts != null && ts.deflated()) {
      datasetSource = inflate(source, datasetStart);
      datasetStart = 0;
    }
    in = new Cursor(datasetSource, datasetStart, implicit, bigEndian);
    Dataset dataset = new Dataset();
    readItems(dataset, datasetSource.size(), 0, false);
    if (datasetSource != source) {
      source.close();
    }
    return new DicomFile(meta, dataset, tsUid, ts, List.copyOf(warnings), datasetSource);
  }

  private static boolean hasPreamble(ByteSource s) {
    if (s.size() < 132) {
      return false;
    }
    byte[] magic = new byte[4];
    s.readFully(128, magic, 0, 4);
    return magic[0] == 'D' && magic[1] == 'I' && magic[2] == 'C' && magic[3] == 'M';
  }

  private static boolean startsWithMetaGroup(ByteSource s, long pos) {
    if (s.size() < pos + 8) {
      return false;
    }
    byte[] b = new byte[6];
    s.readFully(pos, b, 0, 6);
    return b[0] == 2 && b[1] == 0 && VR.of(b[4], b[5]) != null;
  }

  /** Guesses the encoding of a data set from its first element, as DCMTK does. */
  private TransferSyntax detect(ByteSource s, long pos) {
    if (s.size() < pos + 8) {
      throw new DicomException(
          ErrorCode.NOT_DICOM,
          "not a DICOM stream — " + (s.size() - pos) + " bytes after the preamble");
    }
    byte[] b = new byte[8];
    s.readFully(pos, b, 0, 8);
    int groupLe = (b[0] & 0xFF) | (b[1] & 0xFF) << 8;
    int groupBe = (b[1] & 0xFF) | (b[0] & 0xFF) << 8;
    boolean vrFollows = VR.of(b[4], b[5]) != null;
    if (groupLe > 0x00FF && groupBe <= 0x00FF && groupBe > 0 && vrFollows) {
      return TransferSyntax.EXPLICIT_VR_BIG_ENDIAN;
    }
    if (groupLe == 0 || (groupLe > 0x7FE0 && groupLe != 0xFFFE)) {
      throw new DicomException(
          ErrorCode.NOT_DICOM,
          String.format(
              "not a DICOM stream — first bytes %02X %02X %02X %02X at offset %d",
              b[0], b[1], b[2], b[3], pos));
    }
    return vrFollows
        ? TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN
        : TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN;
  }

  private void readMeta(Dataset meta) {
    while (in.pos + 8 <= in.source.size() && in.peekGroup() == 0x0002) {
      Element e = readElement(meta, in.source.size(), 0);
      if (e != null) {
        meta.put(e);
      }
    }
  }

  private ByteSource inflate(ByteSource source, long start) {
    long compressed = source.size() - start;
    if (compressed > Integer.MAX_VALUE - 16) {
      throw new DicomException(
          ErrorCode.DEFLATED_TOO_LARGE, "deflated data set too large — " + compressed + " bytes");
    }
    byte[] input = new byte[(int) compressed];
    source.readFully(start, input, 0, input.length);
    Inflater inflater = new Inflater(true);
    inflater.setInput(input);
    byte[] out = new byte[Math.max(1024, Math.min(input.length * 4, 1 << 24))];
    int n = 0;
    try {
      while (!inflater.finished()) {
        if (n == out.length) {
          if (out.length >= limits.maxInflatedBytes()) {
            throw new DicomException(
                ErrorCode.DEFLATED_TOO_LARGE,
                "deflated data set inflates beyond the limit — more than "
                    + limits.maxInflatedBytes()
                    + " bytes");
          }
          out =
              java.util.Arrays.copyOf(
                  out, (int) Math.min((long) out.length * 2, limits.maxInflatedBytes()));
        }
        int got = inflater.inflate(out, n, out.length - n);
        if (got == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          warnings.add("deflated data set ends without the final block");
          break;
        }
        n += got;
      }
    } catch (DataFormatException e) {
      throw new DicomException(
          ErrorCode.DEFLATED_CORRUPT,
          "deflated data set is corrupt at offset " + start + ": " + e.getMessage(),
          e);
    } finally {
      inflater.end();
    }
    return ByteSource.of(java.util.Arrays.copyOf(out, n));
  }

  /**
   * Reads elements into {@code ds} until {@code end}, or until an item delimiter when {@code
   * untilDelimiter}.
   */
  private void readItems(Dataset ds, long end, int depth, boolean untilDelimiter) {
    while (in.pos < end) {
      if (end - in.pos < 8) {
        if (isPadding(end)) {
          return;
        }
        throw new DicomException(
            ErrorCode.UNEXPECTED_END,
            "unexpected end of data — " + (end - in.pos) + " bytes left at offset " + in.pos);
      }
      int tag = in.peekTag();
      if (tag == Tag.ItemDelimitationItem) {
        in.skip(8);
        if (!untilDelimiter) {
          warnings.add("stray item delimiter at offset " + (in.pos - 8));
          continue;
        }
        return;
      }
      if (tag == Tag.SequenceDelimitationItem) {
        if (depth == 0 && !untilDelimiter) {
          in.skip(8);
          warnings.add("stray sequence delimiter at offset " + (in.pos - 8));
          continue;
        }
        throw new DicomException(
            ErrorCode.SEQUENCE_DELIMITER_IN_ITEM,
            "sequence delimiter inside an item at offset " + in.pos + " — item not closed");
      }
      Element e = readElement(ds, end, depth);
      if (e == null) {
        continue;
      }
      if (e.tag() == Tag.SpecificCharacterSet) {
        ds.charset(SpecificCharacterSet.forTerms(List.of(((String) e.value()).split("\\\\"))));
      }
      ds.put(e);
    }
    if (untilDelimiter) {
      throw new DicomException(
          ErrorCode.UNEXPECTED_END,
          "unexpected end of data — item of undefined length not closed before offset " + end);
    }
  }

  private boolean isPadding(long end) {
    byte[] rest = in.bytes((int) (end - in.pos));
    for (byte b : rest) {
      if (b != 0) {
        return false;
      }
    }
    warnings.add("trailing padding of " + rest.length + " bytes");
    return true;
  }

  private Element readElement(Dataset ds, long end, int depth) {
    if (++elementCount > limits.maxElements()) {
      throw new DicomException(
          ErrorCode.TOO_MANY_ELEMENTS,
          "too many elements — more than " + limits.maxElements() + " in one stream");
    }
    long at = in.pos;
    int tag = in.readTag();
    VR vr;
    long length;
    if (in.implicit) {
      vr = ElementDictionary.vrOf(tag, ds.getInt(Tag.PixelRepresentation, 0) == 1);
      length = in.readU32();
    } else {
      int c1 = in.readU8();
      int c2 = in.readU8();
      vr = VR.of(c1, c2);
      if (vr == null) {
        throw new DicomException(
            ErrorCode.VR_INVALID,
            String.format(
                "invalid VR '%s' of %s at offset %d", printable(c1, c2), Tag.toString(tag), at));
      }
      if (vr.hasLongLength()) {
        in.skip(2);
        length = in.readU32();
      } else {
        length = in.readU16();
      }
    }
    if (length == 0xFFFFFFFFL) {
      return readUndefinedLength(ds, tag, vr, at, depth);
    }
    if (length > end - in.pos) {
      throw new DicomException(
          ErrorCode.LENGTH_EXCEEDS_CONTAINER,
          String.format(
              "%s at offset %d declares length %d but its container has %d bytes left",
              Tag.toString(tag), at, length, end - in.pos));
    }
    if (vr == VR.SQ) {
      return new Element(tag, VR.SQ, readSequence(ds, in.pos + length, depth, false));
    }
    return readValue(ds, tag, vr, length);
  }

  private Element readUndefinedLength(Dataset ds, int tag, VR vr, long at, int depth) {
    if (tag == Tag.PixelData) {
      return new Element(tag, vr, readFragments(at));
    }
    if (vr == VR.SQ) {
      return new Element(tag, VR.SQ, readSequence(ds, in.source.size(), depth, true));
    }
    if (vr == VR.UN || in.implicit) {
      boolean wasImplicit = in.implicit;
      boolean wasBig = in.bigEndian;
      in.implicit = true;
      in.bigEndian = false;
      try {
        return new Element(tag, VR.SQ, readSequence(ds, in.source.size(), depth, true));
      } finally {
        in.implicit = wasImplicit;
        in.bigEndian = wasBig;
      }
    }
    throw new DicomException(
        ErrorCode.UNDEFINED_LENGTH_NOT_ALLOWED,
        "undefined length for " + Tag.toString(tag) + " " + vr + " at offset " + at);
  }

  private List<Dataset> readSequence(Dataset parent, long end, int depth, boolean undefined) {
    if (depth + 1 > limits.maxDepth()) {
      throw new DicomException(
          ErrorCode.NESTING_TOO_DEEP,
          "sequences nested deeper than " + limits.maxDepth() + " levels at offset " + in.pos);
    }
    List<Dataset> items = new ArrayList<>();
    while (in.pos < end) {
      long at = in.pos;
      int tag = in.readTag();
      long length = in.readU32();
      if (tag == Tag.SequenceDelimitationItem) {
        if (!undefined) {
          warnings.add("sequence delimiter in a sequence of defined length at offset " + at);
        }
        return items;
      }
      if (tag != Tag.Item) {
        throw new DicomException(
            ErrorCode.ITEM_EXPECTED,
            String.format(
                "expected an item in a sequence, found %s at offset %d", Tag.toString(tag), at));
      }
      Dataset item = new Dataset(parent.charset());
      if (length == 0xFFFFFFFFL) {
        readItems(item, end, depth + 1, true);
      } else {
        if (length > end - in.pos) {
          throw new DicomException(
              ErrorCode.LENGTH_EXCEEDS_CONTAINER,
              String.format(
                  "item at offset %d declares length %d but its sequence has %d bytes left",
                  at, length, end - in.pos));
        }
        readItems(item, in.pos + length, depth + 1, false);
      }
      items.add(item);
    }
    if (undefined) {
      throw new DicomException(
          ErrorCode.UNEXPECTED_END,
          "unexpected end of data — sequence of undefined length not closed at offset " + end);
    }
    return items;
  }

  private Fragments readFragments(long at) {
    BulkData bot = null;
    List<BulkData> fragments = new ArrayList<>();
    long end = in.source.size();
    while (true) {
      if (end - in.pos < 8) {
        throw new DicomException(
            ErrorCode.UNEXPECTED_END,
            "unexpected end of data — encapsulated pixel data starting at offset "
                + at
                + " has no sequence delimiter");
      }
      long itemAt = in.pos;
      int tag = in.readTag();
      long length = in.readU32();
      if (tag == Tag.SequenceDelimitationItem) {
        break;
      }
      if (tag != Tag.Item) {
        throw new DicomException(
            ErrorCode.FRAGMENT_EXPECTED,
            String.format(
                "expected a fragment item in encapsulated pixel data, found %s at offset %d",
                Tag.toString(tag), itemAt));
      }
      if (length > end - in.pos) {
        throw new DicomException(
            ErrorCode.LENGTH_EXCEEDS_CONTAINER,
            String.format(
                "fragment at offset %d declares length %d but only %d bytes are left",
                itemAt, length, end - in.pos));
      }
      BulkData b = new BulkData(in.source, in.pos, length, 1);
      in.skip(length);
      if (bot == null) {
        bot = b;
      } else {
        if (++elementCount > limits.maxElements()) {
          throw new DicomException(
              ErrorCode.TOO_MANY_ELEMENTS,
              "too many elements — more than " + limits.maxElements() + " in one stream");
        }
        fragments.add(b);
      }
    }
    if (bot == null) {
      throw new DicomException(
          ErrorCode.FRAGMENT_EXPECTED,
          "encapsulated pixel data at offset " + at + " has no basic offset table item");
    }
    return new Fragments(bot, fragments);
  }

  private Element readValue(Dataset ds, int tag, VR vr, long length) {
    if (length == 0) {
      return new Element(tag, vr, null);
    }
    int swapUnit = in.bigEndian ? Math.max(1, vr.valueSize()) : 1;
    if (vr == VR.OB || vr == VR.UN) {
      swapUnit = 1;
    }
    boolean bulk =
        vr.kind() == VR.Kind.BULK && (length > limits.inlineBinaryLength() || tag == Tag.PixelData);
    if (bulk) {
      BulkData b = new BulkData(in.source, in.pos, length, swapUnit);
      in.skip(length);
      return new Element(tag, vr, b);
    }
    if (length > limits.maxValueLength()) {
      throw new DicomException(
          ErrorCode.VALUE_TOO_LARGE,
          String.format(
              "value of %s at offset %d is %d bytes, over the limit of %d",
              Tag.toString(tag), in.pos, length, limits.maxValueLength()));
    }
    byte[] b = in.bytes((int) length);
    if (vr.isText()) {
      Charset cs = vr.kind() == VR.Kind.TEXT ? ds.charset() : StandardCharsets.ISO_8859_1;
      return new Element(tag, vr, stripPadding(new String(b, cs)));
    }
    if (swapUnit > 1) {
      ByteOrderSwap.swap(b, swapUnit);
    }
    return new Element(tag, vr, b);
  }

  private static String stripPadding(String s) {
    int end = s.length();
    while (end > 0 && (s.charAt(end - 1) == '\0' || s.charAt(end - 1) == ' ')) {
      end--;
    }
    return s.substring(0, end);
  }

  private static String printable(int c1, int c2) {
    return (c1 >= 32 && c1 < 127 && c2 >= 32 && c2 < 127)
        ? "" + (char) c1 + (char) c2
        : String.format("0x%02X%02X", c1, c2);
  }

  /** A buffered position in a source, with the current byte order and VR encoding. */
  private static final class Cursor {
    final ByteSource source;
    long pos;
    boolean implicit;
    boolean bigEndian;
    private final byte[] buf = new byte[8];

    Cursor(ByteSource source, long pos, boolean implicit, boolean bigEndian) {
      this.source = source;
      this.pos = pos;
      this.implicit = implicit;
      this.bigEndian = bigEndian;
    }

    int readU8() {
      source.readFully(pos, buf, 0, 1);
      pos++;
      return buf[0] & 0xFF;
    }

    int readU16() {
      source.readFully(pos, buf, 0, 2);
      pos += 2;
      return u16(0);
    }

    long readU32() {
      source.readFully(pos, buf, 0, 4);
      pos += 4;
      return bigEndian
          ? ((buf[0] & 0xFFL) << 24)
              | ((buf[1] & 0xFFL) << 16)
              | ((buf[2] & 0xFFL) << 8)
              | (buf[3] & 0xFFL)
          : ((buf[3] & 0xFFL) << 24)
              | ((buf[2] & 0xFFL) << 16)
              | ((buf[1] & 0xFFL) << 8)
              | (buf[0] & 0xFFL);
    }

    int readTag() {
      source.readFully(pos, buf, 0, 4);
      pos += 4;
      return (u16(0) << 16) | u16(2);
    }

    int peekTag() {
      source.readFully(pos, buf, 0, 4);
      return (u16(0) << 16) | u16(2);
    }

    int peekGroup() {
      source.readFully(pos, buf, 0, 2);
      return (buf[0] & 0xFF) | (buf[1] & 0xFF) << 8;
    }

    byte[] bytes(int n) {
      byte[] b = new byte[n];
      source.readFully(pos, b, 0, n);
      pos += n;
      return b;
    }

    void skip(long n) {
      pos += n;
    }

    private int u16(int off) {
      return bigEndian
          ? ((buf[off] & 0xFF) << 8) | (buf[off + 1] & 0xFF)
          : ((buf[off + 1] & 0xFF) << 8) | (buf[off] & 0xFF);
    }
  }
}
