package org.fusioncds.dicom;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.fusioncds.error.ErrorCode;

/**
 * Writes DICOM Part 10 files (PS3.10 section 7): a 128-byte preamble, "DICM", File Meta Information
 * with its group length, and the data set in explicit VR little endian (PS3.5 7.1.2) — or, for a
 * data set whose Pixel Data is encapsulated, in the compressed transfer syntax it came with.
 * Sequences and items are written with undefined length; every value is padded to even length. A
 * file is written to a temporary sibling and moved into place, so a failure never leaves half a
 * file.
 */
public final class DicomWriter {

  /** Our Implementation Class UID (PS3.7 D.3.3.2), under the UUID-derived root 2.25. */
  public static final String IMPLEMENTATION_CLASS_UID =
      "2.25.86417295038571943862209514379416203571";

  public static final String IMPLEMENTATION_VERSION = "FUSIONCDS_010";

  private static final int CHUNK = 1 << 20;

  private final OutputStream out;

  private DicomWriter(OutputStream out) {
    this.out = out;
  }

  /** Writes a Part 10 file in explicit VR little endian. */
  public static void write(Dataset ds, Path file) {
    write(ds, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid(), file);
  }

  /**
   * Writes a Part 10 file whose File Meta names {@code transferSyntaxUid}: explicit VR little
   * endian, or the compressed syntax of encapsulated pixel data.
   */
  public static void write(Dataset ds, String transferSyntaxUid, Path file) {
    Path tmp = file.resolveSibling(file.getFileName() + ".part");
    try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
      writeTo(ds, transferSyntaxUid, os);
    } catch (IOException e) {
      deleteQuietly(tmp);
      throw new DicomException(
          ErrorCode.WRITE_FAILED, "cannot write " + file + " — " + e.getMessage(), e);
    } catch (RuntimeException e) {
      deleteQuietly(tmp);
      throw e;
    }
    try {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      deleteQuietly(tmp);
      throw new DicomException(
          ErrorCode.WRITE_FAILED, "cannot write " + file + " — " + e.getMessage(), e);
    }
  }

  /** The bytes of a Part 10 file in explicit VR little endian. */
  public static byte[] toBytes(Dataset ds) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      writeTo(ds, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid(), bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** Writes preamble, meta and data set to a stream (not closed). */
  public static void writeTo(Dataset ds, String transferSyntaxUid, OutputStream os)
      throws IOException {
    TransferSyntax ts = TransferSyntax.of(transferSyntaxUid);
    boolean encapsulated =
        ds.get(Tag.PixelData) != null && ds.get(Tag.PixelData).value() instanceof Fragments;
    if (ts.bigEndian() || !ts.explicitVr() || ts.deflated() || encapsulated != ts.encapsulated()) {
      throw new DicomException(
          ErrorCode.WRITE_PIXEL_DATA,
          "cannot write "
              + (encapsulated ? "encapsulated" : "native")
              + " pixel data with transfer syntax "
              + transferSyntaxUid);
    }
    DicomWriter w = new DicomWriter(os);
    os.write(new byte[128]);
    os.write(new byte[] {'D', 'I', 'C', 'M'});
    w.writeMeta(ds, transferSyntaxUid);
    w.writeDataset(ds, true);
    os.flush();
  }

  private void writeMeta(Dataset ds, String tsUid) throws IOException {
    String sopClass = ds.getString(Tag.SOPClassUID);
    String sopInstance = ds.getString(Tag.SOPInstanceUID);
    if (sopClass == null || sopInstance == null) {
      throw new DicomException(
          ErrorCode.WRITE_SOP_MISSING,
          "data set lacks "
              + (sopClass == null ? "SOPClassUID (0008,0016)" : "SOPInstanceUID (0008,0018)")
              + " needed for the File Meta Information");
    }
    Dataset meta = new Dataset();
    meta.putBytes(0x00020001, VR.OB, new byte[] {0, 1});
    meta.putString(Tag.MediaStorageSOPClassUID, VR.UI, sopClass);
    meta.putString(Tag.MediaStorageSOPInstanceUID, VR.UI, sopInstance);
    meta.putString(Tag.TransferSyntaxUID, VR.UI, tsUid);
    meta.putString(Tag.ImplementationClassUID, VR.UI, IMPLEMENTATION_CLASS_UID);
    meta.putString(Tag.ImplementationVersionName, VR.SH, IMPLEMENTATION_VERSION);
    ByteArrayOutputStream group = new ByteArrayOutputStream();
    DicomWriter g = new DicomWriter(group);
    for (Element e : meta.elements()) {
      g.writeElement(meta, e);
    }
    writeHeader(Tag.FileMetaInformationGroupLength, VR.UL, 4);
    writeInt(group.size());
    group.writeTo(out);
  }

  private void writeDataset(Dataset ds, boolean topLevel) throws IOException {
    boolean needsCharset =
        topLevel
            && !ds.contains(Tag.SpecificCharacterSet)
            && !ds.charset().equals(SpecificCharacterSet.DEFAULT);
    for (Element e : ds.elements()) {
      if (needsCharset && Integer.compareUnsigned(e.tag(), Tag.SpecificCharacterSet) > 0) {
        writeElement(
            ds,
            new Element(
                Tag.SpecificCharacterSet, VR.CS, SpecificCharacterSet.termFor(ds.charset())));
        needsCharset = false;
      }
      int group = Tag.group(e.tag());
      if (group == 0x0002 || (Tag.element(e.tag()) == 0 && group != 0)) {
        continue; // meta is ours to write; group lengths are retired and would be stale
      }
      writeElement(ds, e);
    }
    if (needsCharset) {
      writeElement(
          ds,
          new Element(Tag.SpecificCharacterSet, VR.CS, SpecificCharacterSet.termFor(ds.charset())));
    }
  }

  private void writeElement(Dataset ds, Element e) throws IOException {
    Object v = e.value();
    if (v instanceof List<?>) {
      writeSequence(ds, e);
    } else if (v instanceof Fragments f) {
      writeFragments(e, f);
    } else if (v instanceof BulkData b) {
      writeBulk(e, b);
    } else if (v instanceof BulkDataUri u) {
      throw new DicomException(
          ErrorCode.WRITE_BULK_REFERENCE,
          "cannot write " + Tag.toString(e.tag()) + ": its value is only a reference — " + u.uri());
    } else {
      byte[] bytes = encode(ds, e);
      int len = bytes.length + (bytes.length & 1);
      writeHeader(e.tag(), e.vr(), len);
      out.write(bytes);
      if ((bytes.length & 1) == 1) {
        out.write(e.vr().paddingByte());
      }
    }
  }

  private static byte[] encode(Dataset ds, Element e) {
    Object v = e.value();
    if (v == null) {
      return new byte[0];
    }
    if (v instanceof byte[] b) {
      return b;
    }
    Charset cs = e.vr().kind() == VR.Kind.TEXT ? ds.charset() : StandardCharsets.US_ASCII;
    return ((String) v).getBytes(cs);
  }

  private void writeSequence(Dataset ds, Element e) throws IOException {
    writeHeader(e.tag(), VR.SQ, -1);
    for (Dataset item : e.items()) {
      writeTagAndLength(Tag.Item, -1);
      writeDataset(item, false);
      writeTagAndLength(Tag.ItemDelimitationItem, 0);
    }
    writeTagAndLength(Tag.SequenceDelimitationItem, 0);
  }

  private void writeFragments(Element e, Fragments f) throws IOException {
    writeHeader(e.tag(), VR.OB, -1); // encapsulated pixel data is always OB (PS3.5 A.4)
    writeItem(f.basicOffsetTable());
    for (BulkData b : f.fragments()) {
      writeItem(b);
    }
    writeTagAndLength(Tag.SequenceDelimitationItem, 0);
  }

  private void writeItem(BulkData b) throws IOException {
    long len = b.length() + (b.length() & 1);
    writeTagAndLength(Tag.Item, (int) len);
    copy(b);
    if ((b.length() & 1) == 1) {
      out.write(0);
    }
  }

  private void writeBulk(Element e, BulkData b) throws IOException {
    long len = b.length() + (b.length() & 1);
    if (len > 0xFFFFFFFEL) {
      throw new DicomException(
          ErrorCode.WRITE_VALUE_TOO_LONG,
          "value of " + Tag.toString(e.tag()) + " too long for one element — " + len);
    }
    writeHeader(e.tag(), e.vr(), (int) len);
    copy(b);
    if ((b.length() & 1) == 1) {
      out.write(0);
    }
  }

  private void copy(BulkData b) throws IOException {
    for (long from = 0; from < b.length(); from += CHUNK) {
      out.write(b.bytes(from, Math.min(CHUNK, b.length() - from)));
    }
  }

  /** Explicit VR little endian element header; {@code length} -1 is undefined. */
  private void writeHeader(int tag, VR vr, int length) throws IOException {
    writeTag(tag);
    out.write(vr.name().charAt(0));
    out.write(vr.name().charAt(1));
    if (vr.hasLongLength()) {
      out.write(0);
      out.write(0);
      writeInt(length);
    } else {
      if (length > 0xFFFF) {
        throw new DicomException(
            ErrorCode.WRITE_SHORT_VALUE_TOO_LONG,
            "value of " + Tag.toString(tag) + " " + vr + " is " + length + " bytes, over 65534");
      }
      out.write(length);
      out.write(length >>> 8);
    }
  }

  private void writeTagAndLength(int tag, int length) throws IOException {
    writeTag(tag);
    writeInt(length);
  }

  private void writeTag(int tag) throws IOException {
    int g = Tag.group(tag);
    int el = Tag.element(tag);
    out.write(g);
    out.write(g >>> 8);
    out.write(el);
    out.write(el >>> 8);
  }

  private void writeInt(int v) throws IOException {
    out.write(v);
    out.write(v >>> 8);
    out.write(v >>> 16);
    out.write(v >>> 24);
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // the temporary file is gone or unreachable: nothing more to do
    }
  }
}
