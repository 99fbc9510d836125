package org.fusioncds.dicom.pixel;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.fusioncds.dicom.BulkData;
import org.fusioncds.dicom.Dataset;
import org.fusioncds.dicom.DicomException;
import org.fusioncds.dicom.Fragments;
import org.fusioncds.dicom.Tag;
import org.fusioncds.error.ErrorCode;

/**
 * Finds the bytes of one frame in encapsulated pixel data (PS3.5 A.4): through the Extended Offset
 * Table when present, else the Basic Offset Table, else one fragment per frame when the counts
 * match, else by the start-of-codestream marker that begins each frame's first fragment.
 */
final class EncapsulatedFrames {

  private EncapsulatedFrames() {}

  static byte[] frame(Dataset ds, Fragments f, int index, int frames) {
    List<BulkData> fragments = f.fragments();
    if (fragments.isEmpty()) {
      throw new DicomException(
          ErrorCode.FRAGMENTS_MISSING, "encapsulated pixel data has no fragments");
    }
    byte[] eot = ds.getBytes(Tag.ExtendedOffsetTable);
    if (eot != null && eot.length >= 8 * frames) {
      byte[] lengths = ds.getBytes(Tag.ExtendedOffsetTableLengths);
      long[] offsets = longs(eot);
      if (lengths != null && lengths.length == eot.length) {
        return byExtendedTable(fragments, offsets, longs(lengths), index);
      }
      return byOffsets(fragments, offsets, index);
    }
    if (f.basicOffsetTable().length() >= 4L * frames) {
      byte[] bot = f.basicOffsetTable().bytes();
      long[] offsets = new long[bot.length / 4];
      ByteBuffer b = ByteBuffer.wrap(bot).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < offsets.length; i++) {
        offsets[i] = Integer.toUnsignedLong(b.getInt());
      }
      return byOffsets(fragments, offsets, index);
    }
    if (frames == 1) {
      return join(fragments);
    }
    if (fragments.size() == frames) {
      return fragments.get(index).bytes();
    }
    return byMarkers(fragments, index, frames);
  }

  private static long[] longs(byte[] b) {
    ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    long[] out = new long[b.length / 8];
    for (int i = 0; i < out.length; i++) {
      out[i] = buf.getLong();
    }
    return out;
  }

  /** Offsets are from the first byte of the first fragment's item tag. */
  private static byte[] byOffsets(List<BulkData> fragments, long[] offsets, int index) {
    if (index >= offsets.length) {
      throw new DicomException(
          ErrorCode.OFFSET_TABLE_INVALID,
          "frame " + index + " is beyond the offset table of " + offsets.length + " entries");
    }
    long start = offsets[index];
    long end = index + 1 < offsets.length ? offsets[index + 1] : Long.MAX_VALUE;
    long base = fragments.get(0).offset() - 8;
    List<BulkData> mine = new ArrayList<>();
    for (BulkData b : fragments) {
      long rel = b.offset() - 8 - base;
      if (rel >= start && rel < end) {
        mine.add(b);
      }
    }
    if (mine.isEmpty()) {
      throw new DicomException(
          ErrorCode.OFFSET_TABLE_INVALID,
          "offset table entry " + start + " of frame " + index + " matches no fragment");
    }
    return join(mine);
  }

  /** The frame is the fragments from its offset up to its declared length (PS3.3 C.7.6.3.1.8). */
  private static byte[] byExtendedTable(
      List<BulkData> fragments, long[] offsets, long[] lengths, int index) {
    if (index >= offsets.length) {
      throw new DicomException(
          ErrorCode.OFFSET_TABLE_INVALID,
          "frame " + index + " is beyond the extended offset table of " + offsets.length);
    }
    long start = offsets[index];
    long base = fragments.get(0).offset() - 8;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (BulkData b : fragments) {
      long rel = b.offset() - 8 - base;
      if (rel >= start && out.size() < lengths[index]) {
        out.writeBytes(b.bytes());
      }
    }
    if (out.size() < lengths[index]) {
      throw new DicomException(
          ErrorCode.OFFSET_TABLE_INVALID,
          "frame "
              + index
              + " declares "
              + lengths[index]
              + " bytes, the fragments hold "
              + out.size());
    }
    byte[] all = out.toByteArray();
    return all.length == lengths[index] ? all : java.util.Arrays.copyOf(all, (int) lengths[index]);
  }

  private static byte[] byMarkers(List<BulkData> fragments, int index, int frames) {
    int frame = -1;
    List<BulkData> mine = new ArrayList<>();
    for (BulkData b : fragments) {
      if (startsCodestream(b)) {
        frame++;
      }
      if (frame == index) {
        mine.add(b);
      } else if (frame > index) {
        break;
      }
    }
    if (mine.isEmpty()) {
      throw new DicomException(
          ErrorCode.OFFSET_TABLE_INVALID,
          "frame "
              + index
              + " not found: "
              + (frame + 1)
              + " codestreams in "
              + fragments.size()
              + " fragments for "
              + frames
              + " frames");
    }
    return join(mine);
  }

  /** JPEG SOI (FFD8) or JPEG 2000 SOC (FF4F): the first bytes of a frame's codestream. */
  private static boolean startsCodestream(BulkData b) {
    if (b.length() < 2) {
      return false;
    }
    byte[] head = b.bytes(0, 2);
    return (head[0] & 0xFF) == 0xFF && ((head[1] & 0xFF) == 0xD8 || (head[1] & 0xFF) == 0x4F);
  }

  /** The fragments' bytes, read straight into one array of their total length. */
  private static byte[] join(List<BulkData> parts) {
    if (parts.size() == 1) {
      return parts.get(0).bytes();
    }
    long total = 0;
    for (BulkData b : parts) {
      total += b.length();
    }
    if (total > Integer.MAX_VALUE - 16) {
      throw new DicomException(
          ErrorCode.BULK_VALUE_TOO_LARGE,
          "frame of " + parts.size() + " fragments too large to hold in memory — " + total);
    }
    byte[] out = new byte[(int) total];
    int o = 0;
    for (BulkData b : parts) {
      b.readInto(out, o);
      o += (int) b.length();
    }
    return out;
  }
}
